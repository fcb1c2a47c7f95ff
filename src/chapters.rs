//! The book's chapters that findings and diagnoses point to.
//!
//! Every message that tells a reader what to do names the chapter that explains it. The chapters are
//! listed here once, and `tests/suite/tests/book.rs` checks that each one is in `book/SUMMARY.md`, so a renamed
//! chapter can't leave a dangling pointer behind.

use std::fmt;

/// A chapter of the book: its title and its file under `book/`, with an optional `#anchor`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Chapter {
    /// The chapter's title, as in `book/SUMMARY.md`.
    pub title: &'static str,
    /// The chapter's file under `book/`, possibly with a `#section` anchor.
    pub file: &'static str,
}

impl Chapter {
    /// The file without its anchor, e.g. `verify-your-keys.md`.
    pub fn file_name(&self) -> &'static str {
        self.file.split('#').next().unwrap_or(self.file)
    }
}

impl fmt::Display for Chapter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\" (book/{})", self.title, self.file)
    }
}

/// "Introduction".
pub const INTRODUCTION: Chapter = Chapter {
    title: "Introduction",
    file: "introduction.md",
};
/// Part I, step 1: "Register a project".
pub const REGISTER_A_PROJECT: Chapter = Chapter {
    title: "Register a project",
    file: "register-a-project.md",
};
/// Part I, step 2: "Register an app".
pub const REGISTER_AN_APP: Chapter = Chapter {
    title: "Register an app",
    file: "register-an-app.md",
};
/// Part I, step 3: "Configure read and write access".
pub const CONFIGURE_ACCESS: Chapter = Chapter {
    title: "Configure read and write access",
    file: "configure-read-and-write-access.md",
};
/// Part I, step 4: "Get the API Key and API Key Secret".
pub const GET_API_KEY: Chapter = Chapter {
    title: "Get the API Key and API Key Secret",
    file: "get-the-api-key-and-secret.md",
};
/// Part I, step 5: "Get the Access Token and Access Token Secret".
pub const GET_ACCESS_TOKEN: Chapter = Chapter {
    title: "Get the Access Token and Access Token Secret",
    file: "get-the-access-token-and-secret.md",
};
/// Part II: "Store and load your keys".
pub const STORE_AND_LOAD: Chapter = Chapter {
    title: "Store and load your keys",
    file: "store-and-load-your-keys.md",
};
/// Part II: "Check your keys offline".
pub const CHECK_OFFLINE: Chapter = Chapter {
    title: "Check your keys offline",
    file: "check-your-keys-offline.md",
};

/// Part II: "Verify your keys with X".
pub const VERIFY: Chapter = Chapter {
    title: "Verify your keys with X",
    file: "verify-your-keys.md",
};
/// Part II: "Check that posting and DMs work".
pub const CHECK_POSTING: Chapter = Chapter {
    title: "Check that posting and DMs work",
    file: "check-posting-and-dms.md",
};
/// Part II: "Verify many accounts".
pub const VERIFY_MANY: Chapter = Chapter {
    title: "Verify many accounts",
    file: "verify-many-accounts.md",
};
/// Part II: "How an OAuth 1.0a signature is made" (X's example, step by step).
pub const SIGNATURE: Chapter = Chapter {
    title: "How an OAuth 1.0a signature is made",
    file: "how-a-signature-is-made.md",
};
/// Part II: "Get tokens for a bot account" (the PIN flow).
pub const TOKENS_FOR_A_BOT: Chapter = Chapter {
    title: "Get tokens for a bot account",
    file: "tokens-for-a-bot-account.md",
};
/// Part II: "Use the Bearer Token" (app-only).
pub const BEARER_TOKEN: Chapter = Chapter {
    title: "Use the Bearer Token",
    file: "the-bearer-token.md",
};
/// Part II: "Test a Python or Node bot against the sandbox" (tweepy, twitter-api-v2, plain bots).
pub const BOTS_IN_OTHER_LANGUAGES: Chapter = Chapter {
    title: "Test a Python or Node bot against the sandbox",
    file: "test-a-python-or-node-bot.md",
};
/// Part II: "Use OAuth 2.0 (Client ID and Client Secret)" (Authorization Code with PKCE).
pub const OAUTH2: Chapter = Chapter {
    title: "Use OAuth 2.0 (Client ID and Client Secret)",
    file: "use-oauth-2.md",
};
/// Part III: "Troubleshooting" (one section per failure).
pub const TROUBLESHOOTING: Chapter = Chapter {
    title: "Troubleshooting",
    file: "troubleshooting.md",
};

/// Part III: "Rotate and revoke keys".
pub const ROTATE: Chapter = Chapter {
    title: "Rotate and revoke keys",
    file: "rotate-and-revoke-keys.md",
};

/// Every chapter listed here, for the consistency test.
pub const ALL: &[Chapter] = &[
    INTRODUCTION,
    REGISTER_A_PROJECT,
    REGISTER_AN_APP,
    CONFIGURE_ACCESS,
    GET_API_KEY,
    GET_ACCESS_TOKEN,
    STORE_AND_LOAD,
    CHECK_OFFLINE,
    VERIFY,
    CHECK_POSTING,
    VERIFY_MANY,
    SIGNATURE,
    TOKENS_FOR_A_BOT,
    BEARER_TOKEN,
    OAUTH2,
    BOTS_IN_OTHER_LANGUAGES,
    TROUBLESHOOTING,
    ROTATE,
];
