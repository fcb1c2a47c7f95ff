//! Uploaded media and DM conversations: what `POST /2/media/upload` (in one request or in chunks)
//! and `POST /1.1/media/upload.json` store, so that a post or a DM can attach a `media_id`, and
//! the group conversations `POST /2/dm_conversations` creates.

use std::collections::{BTreeMap, HashMap};

use super::{lock, Shared};

/// How long an upload may be attached (X answers `expires_after_secs: 86400`).
pub(crate) const MEDIA_LIFETIME_SECS: i64 = 86_400;

/// One upload, finished or in chunks.
pub(super) struct Upload {
    owner: String,
    media_type: Option<String>,
    category: String,
    total_bytes: Option<u64>,
    segments: BTreeMap<u64, Vec<u8>>,
    finished: Option<Media>,
    expires: i64,
}

/// A finished upload, as X describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Media {
    /// The media id, 19 digits.
    pub(crate) id: String,
    /// `3_<id>` for an image, `16_` for a GIF, `7_` for a video.
    pub(crate) media_key: String,
    /// Bytes.
    pub(crate) size: u64,
    /// The MIME type read from the bytes (or given at INIT), e.g. `image/png`.
    pub(crate) media_type: String,
    /// Width and height of a PNG or GIF image.
    pub(crate) dimensions: Option<(u32, u32)>,
    /// Seconds it can still be attached.
    pub(crate) expires_after_secs: i64,
}

/// Why an upload step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MediaRefused {
    /// No live upload has this id for this user.
    Unknown,
    /// The upload is finished already (no more segments).
    Finished,
    /// No segment was appended.
    Empty,
    /// The appended bytes are not `total_bytes`.
    SizeMismatch,
}

/// The MIME type of an image from its first bytes.
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [b'G', b'I', b'F', b'8', ..] => Some("image/gif"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        _ => None,
    }
}

/// Width and height of a PNG (IHDR) or GIF (logical screen).
fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    match sniff(bytes)? {
        "image/png" => {
            let w = u32::from_be_bytes(bytes.get(16..20)?.try_into().ok()?);
            let h = u32::from_be_bytes(bytes.get(20..24)?.try_into().ok()?);
            Some((w, h))
        }
        "image/gif" => {
            let w = u16::from_le_bytes(bytes.get(6..8)?.try_into().ok()?);
            let h = u16::from_le_bytes(bytes.get(8..10)?.try_into().ok()?);
            Some((w.into(), h.into()))
        }
        _ => None,
    }
}

fn key_prefix(media_type: &str, category: &str) -> &'static str {
    if media_type == "image/gif" || category.ends_with("_gif") {
        "16_"
    } else if media_type.starts_with("video/") || category.ends_with("_video") {
        "7_"
    } else {
        "3_"
    }
}

impl Upload {
    fn finish(&mut self, id: &str, now: i64) -> Result<Media, MediaRefused> {
        if let Some(done) = &self.finished {
            return Ok(done.clone());
        }
        if self.segments.is_empty() {
            return Err(MediaRefused::Empty);
        }
        let bytes: Vec<u8> = self.segments.values().flatten().copied().collect();
        if self
            .total_bytes
            .is_some_and(|total| total != bytes.len() as u64)
        {
            return Err(MediaRefused::SizeMismatch);
        }
        let media_type = self
            .media_type
            .clone()
            .or_else(|| sniff(&bytes).map(str::to_string))
            .unwrap_or_else(|| "application/octet-stream".into());
        let media = Media {
            id: id.to_string(),
            media_key: format!("{}{id}", key_prefix(&media_type, &self.category)),
            size: bytes.len() as u64,
            dimensions: dimensions(&bytes),
            media_type,
            expires_after_secs: (self.expires - now).max(0),
        };
        self.segments.clear();
        self.finished = Some(media.clone());
        Ok(media)
    }
}

impl Shared {
    /// Starts an upload of `owner`: its media id and media key.
    pub(crate) fn start_upload(
        &self,
        owner: &str,
        media_type: Option<&str>,
        category: &str,
        total_bytes: Option<u64>,
        now: i64,
    ) -> (String, String) {
        let id = self.next_id();
        let key = format!(
            "{}{id}",
            key_prefix(media_type.unwrap_or_default(), category)
        );
        lock(&self.media).insert(
            id.clone(),
            Upload {
                owner: owner.to_string(),
                media_type: media_type.map(str::to_string),
                category: category.to_string(),
                total_bytes,
                segments: BTreeMap::new(),
                finished: None,
                expires: now + MEDIA_LIFETIME_SECS,
            },
        );
        (id, key)
    }

    /// Adds segment `index` of an upload of `owner`.
    ///
    /// # Errors
    /// An unknown or finished upload.
    pub(crate) fn append_upload(
        &self,
        id: &str,
        owner: &str,
        index: u64,
        bytes: Vec<u8>,
    ) -> Result<i64, MediaRefused> {
        let mut media = lock(&self.media);
        let upload = media
            .get_mut(id)
            .filter(|u| u.owner == owner)
            .ok_or(MediaRefused::Unknown)?;
        if upload.finished.is_some() {
            return Err(MediaRefused::Finished);
        }
        upload.segments.insert(index, bytes);
        Ok(upload.expires)
    }

    /// Finishes an upload of `owner` (again: the same answer).
    ///
    /// # Errors
    /// An unknown upload, no segment, or fewer or more bytes than announced.
    pub(crate) fn finish_upload(
        &self,
        id: &str,
        owner: &str,
        now: i64,
    ) -> Result<Media, MediaRefused> {
        let mut media = lock(&self.media);
        let upload = media
            .get_mut(id)
            .filter(|u| u.owner == owner && u.expires > now)
            .ok_or(MediaRefused::Unknown)?;
        upload.finish(id, now)
    }

    /// Uploads in one request: the finished media.
    ///
    /// # Errors
    /// An empty upload.
    pub(crate) fn upload(
        &self,
        owner: &str,
        category: &str,
        bytes: Vec<u8>,
        now: i64,
    ) -> Result<Media, MediaRefused> {
        let (id, _) = self.start_upload(owner, None, category, None, now);
        self.append_upload(&id, owner, 0, bytes)?;
        self.finish_upload(&id, owner, now)
    }

    /// Whether `owner` may attach the media `id`: finished, not expired, theirs.
    pub(crate) fn media_usable(&self, id: &str, owner: &str, now: i64) -> bool {
        lock(&self.media)
            .get(id)
            .is_some_and(|u| u.owner == owner && u.finished.is_some() && u.expires > now)
    }

    /// Creates a group conversation of `creator` and `participants`: its id.
    pub(crate) fn create_conversation(&self, creator: &str, participants: &[String]) -> String {
        let id = self.next_id();
        let mut members: Vec<String> = participants.to_vec();
        members.push(creator.to_string());
        members.sort();
        members.dedup();
        lock(&self.conversations).insert(id.clone(), members);
        id
    }

    /// Whether `user` may write in the conversation `id`: a group they are in, or a one-to-one
    /// conversation `<low id>-<high id>` with them in it.
    pub(crate) fn in_conversation(&self, id: &str, user: &str) -> bool {
        if let Some((a, b)) = id.split_once('-') {
            return a == user || b == user;
        }
        lock(&self.conversations)
            .get(id)
            .is_some_and(|members| members.iter().any(|m| m == user))
    }
}

/// Group conversations: id → members.
pub(super) type Conversations = HashMap<String, Vec<String>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_png_and_gif_sizes() {
        let mut png = vec![0x89, b'P', b'N', b'G', 13, 10, 26, 10, 0, 0, 0, 13];
        png.extend(b"IHDR");
        png.extend(3u32.to_be_bytes());
        png.extend(2u32.to_be_bytes());
        assert_eq!(sniff(&png), Some("image/png"));
        assert_eq!(dimensions(&png), Some((3, 2)));
        let gif = b"GIF89a\x05\x00\x07\x00";
        assert_eq!(dimensions(gif), Some((5, 7)));
        assert_eq!(sniff(b"plain text"), None);
        assert_eq!(key_prefix("video/mp4", "tweet_video"), "7_");
        assert_eq!(key_prefix("image/gif", ""), "16_");
    }
}
