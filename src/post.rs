//! The request side of the domain: a post, its attachments, and the account
//! it is for. These are plain Rust types; `convert` maps the wire forms
//! onto them and names the field when something is wrong.

/// What kind of account a post is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AccountKind {
    /// Resolve from the school's `official_accounts`; not found means personal.
    #[default]
    Unspecified,
    /// An account the school runs.
    Official,
    /// A member of staff's own account.
    Personal,
}

/// The account a post is for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Account {
    /// "x", "facebook", "instagram", ...
    pub platform: String,
    /// The handle, e.g. `@OakfieldPri`.
    pub handle: String,
    /// What the caller says the account is.
    pub kind: AccountKind,
}

/// An attached image.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Attachment {
    /// The file name as uploaded.
    pub filename: String,
    /// The declared media type.
    pub media_type: String,
    /// The file's bytes.
    pub content: Vec<u8>,
    /// The alt text.
    pub alt_text: String,
    /// Roster ids of the pupils visible.
    pub depicted_pupil_ids: Vec<String>,
    /// The sender confirms `depicted_pupil_ids` lists everyone visible.
    pub people_attested: bool,
}

/// A draft (or published) post.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Post {
    /// The caller's id for the post.
    pub id: String,
    /// The text.
    pub text: String,
    /// Links attached to the post.
    pub links: Vec<String>,
    /// Images.
    pub attachments: Vec<Attachment>,
}

/// One screening request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Request {
    /// The school whose policy applies.
    pub school_id: String,
    /// The account it will be published on.
    pub account: Account,
    /// The post.
    pub post: Post,
}
