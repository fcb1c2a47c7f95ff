//! The xkeys test suite's package: tests only (see `tests/`). It has this empty library so that the
//! book's snippets, which skeptic compiles against this package's dependencies, have a package to
//! belong to.
