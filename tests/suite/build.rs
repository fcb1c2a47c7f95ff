//! Generates one test per Rust code block in the book and the README (skeptic), so no snippet rots.

fn main() {
    // Rerun when any chapter changes (skeptic reads the raw markdown).
    println!("cargo:rerun-if-changed=../../book");
    println!("cargo:rerun-if-changed=../../README.md");
    let mut chapters = skeptic::markdown_files_of_directory("../../book/");
    chapters.push("../../README.md".into());
    skeptic::generate_doc_tests(&chapters);
}
