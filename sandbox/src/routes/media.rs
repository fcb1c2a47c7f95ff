//! Media upload, enough for a bot to upload an image and attach its `media_id` to a post or a
//! DM: v2 `POST /2/media/upload` (in one request), `POST /2/media/upload/initialize`,
//! `/{id}/append`, `/{id}/finalize` and `GET /2/media/upload?command=STATUS` (in chunks, as
//! <https://docs.x.com/x-api/media/upload-media> describes and X's OpenAPI spec 2.167 defines
//! them), and v1.1 `POST /1.1/media/upload.json` in one request, which tweepy uses and which the
//! 453 message keeps ("limited v1.1 endpoints (e.g. media post, oauth)"). The bytes are stored,
//! not decoded beyond an image's type and size; nothing is ever `processing`.

use axum::extract::Path;
use axum::http::StatusCode;
use base64::Engine as _;
use serde_json::{json, Map, Value};

use super::{forbidden, invalid, validated};
use crate::accounts::AccessLevel;
use crate::auth::{Api, Spec};
use crate::http::multipart::{self, Part};
use crate::http::{Call, Endpoint, Incoming, Reply};
use crate::state::{now, Media, MediaRefused};
use crate::x::problems as p;

/// X publishes no limit for media upload on its rate-limits page: 500 per user per 15 minutes
/// is the sandbox's assumption, generous for tests.
const UPLOADS_PER_WINDOW: u32 = 500;

/// The spec of a media endpoint: v2's need the OAuth 2.0 scope `media.write` (X's OpenAPI
/// spec); v1.1's take no OAuth 2.0 token (a 403 on X: plhery/node-twitter-api-v2#167).
const fn spec(endpoint: &'static str, api: Api) -> Spec {
    Spec {
        endpoint,
        api,
        oauth1: true,
        scopes: match api {
            Api::V2 => Some(&["media.write"]),
            Api::V11 => None,
        },
        needs: AccessLevel::ReadWrite,
        per_user: UPLOADS_PER_WINDOW,
        app_only: None,
        limited_v11: true,
    }
}

/// `POST /2/media/upload`.
pub(super) struct Upload;
impl Endpoint for Upload {
    const SPEC: Spec = spec("POST /2/media/upload", Api::V2);
}

/// `POST /2/media/upload/initialize`.
pub(super) struct Initialize;
impl Endpoint for Initialize {
    const SPEC: Spec = spec("POST /2/media/upload/initialize", Api::V2);
}

/// `POST /2/media/upload/:id/append`.
pub(super) struct Append;
impl Endpoint for Append {
    const SPEC: Spec = spec("POST /2/media/upload/:id/append", Api::V2);
}

/// `POST /2/media/upload/:id/finalize`.
pub(super) struct Finalize;
impl Endpoint for Finalize {
    const SPEC: Spec = spec("POST /2/media/upload/:id/finalize", Api::V2);
}

/// `GET /2/media/upload?command=STATUS&media_id=...`.
pub(super) struct Status;
impl Endpoint for Status {
    const SPEC: Spec = spec("GET /2/media/upload", Api::V2);
}

/// `POST /1.1/media/upload.json`.
pub(super) struct UploadV1;
impl Endpoint for UploadV1 {
    const SPEC: Spec = spec("POST /1.1/media/upload.json", Api::V11);
}

/// The fields of a multipart body as a JSON object (a file as a placeholder string, so the
/// schema sees a string), and the bytes of its `media` part.
fn multipart_fields(request: &Incoming) -> Option<(Value, Option<Vec<u8>>)> {
    let content_type = request.content_type()?;
    let boundary = multipart::boundary(content_type)?;
    let parts: Vec<Part> = multipart::parse(&request.body, &boundary)?;
    let mut fields = Map::new();
    let mut media = None;
    for part in parts {
        if part.name == "media" {
            fields.insert("media".into(), json!("<binary>"));
            media = Some(part.data);
        } else {
            let text = String::from_utf8_lossy(&part.data).into_owned();
            fields.insert(part.name, json!(text));
        }
    }
    Some((Value::Object(fields), media))
}

/// The body of an upload step: multipart, or JSON with `media` in base64. Checked against the
/// schema `schema`; `integers` are the multipart fields the schema wants as numbers.
fn upload_body(
    request: &Incoming,
    schema: &str,
    integers: &[&str],
) -> Result<(Value, Option<Vec<u8>>), Reply> {
    let (mut fields, media) = match multipart_fields(request) {
        Some(found) => found,
        None => {
            let value = validated(request, schema)?;
            let media = match value.get("media").and_then(Value::as_str) {
                Some(b64) => Some(
                    base64::engine::general_purpose::STANDARD
                        .decode(b64.trim())
                        .map_err(|_| invalid("media", "$.media: is not valid base64"))?,
                ),
                None => None,
            };
            return Ok((value, media));
        }
    };
    // Multipart fields are text: read the numbers the schema wants as numbers.
    for name in integers {
        if let Some(Value::String(s)) = fields.get(*name) {
            if let Ok(n) = s.parse::<u64>() {
                fields[*name] = json!(n);
            }
        }
    }
    let problems = crate::x::schema::validate(schema, &fields);
    if !problems.is_empty() {
        return Err(Reply::json(
            StatusCode::BAD_REQUEST,
            p::invalid_request_errors(&problems),
        ));
    }
    Ok((fields, media))
}

fn media_json(m: &Media) -> Value {
    let mut data = json!({
        "id": m.id,
        "media_key": m.media_key,
        "size": m.size,
        "expires_after_secs": m.expires_after_secs,
    });
    if m.media_type.starts_with("image/") {
        let (w, h) = m.dimensions.unwrap_or((0, 0));
        data["image"] = json!({"image_type": m.media_type, "w": w, "h": h});
    } else if m.media_type.starts_with("video/") {
        data["video"] = json!({"video_type": m.media_type});
    }
    data
}

fn refused(why: MediaRefused, id: &str) -> Reply {
    let (status, body, explain) = match why {
        MediaRefused::Unknown => (
            StatusCode::BAD_REQUEST,
            p::invalid_request(
                "media_id",
                id,
                &format!("Media id [{id}] is not a live upload of this user."),
            ),
            "no live upload of this user has this media id",
        ),
        MediaRefused::Finished => (
            StatusCode::BAD_REQUEST,
            p::invalid_request("media_id", id, "The upload is finalized already."),
            "the upload is finalized already",
        ),
        MediaRefused::Empty => (
            StatusCode::BAD_REQUEST,
            p::invalid_request("media_id", id, "No segment was appended."),
            "finalize before any append",
        ),
        MediaRefused::SizeMismatch => (
            StatusCode::BAD_REQUEST,
            p::invalid_request("media_id", id, "The appended bytes are not total_bytes."),
            "the segments add up to another size than initialize said",
        ),
    };
    Reply::json(status, body).explain(explain)
}

/// `POST /2/media/upload`: `media` and `media_category` (multipart or JSON), stored at once.
pub(super) async fn upload(call: Call<Upload>) -> Reply {
    call.answer(|| {
        let user_id = call.user_id().ok_or_else(forbidden)?;
        let (fields, media) = upload_body(&call.request, "MediaUploadRequest", &[])?;
        let category = fields["media_category"].as_str().unwrap_or_default();
        let bytes = media.unwrap_or_default();
        let media = call
            .st
            .upload(user_id, category, bytes, now())
            .map_err(|why| refused(why, ""))?;
        Ok(Reply::json(
            StatusCode::OK,
            json!({ "data": media_json(&media) }).to_string(),
        ))
    })
    .await
}

/// `POST /2/media/upload/initialize` (JSON): a media id for the segments to come.
pub(super) async fn initialize(call: Call<Initialize>) -> Reply {
    call.answer(|| {
        let user_id = call.user_id().ok_or_else(forbidden)?;
        let body = validated(&call.request, "InitializeMediaUploadRequest")?;
        let (id, key) = call.st.start_upload(
            user_id,
            body.get("media_type").and_then(Value::as_str),
            body.get("media_category")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            body.get("total_bytes").and_then(Value::as_u64),
            now(),
        );
        Ok(Reply::json(
            StatusCode::OK,
            json!({"data": {"id": id, "media_key": key, "expires_after_secs": crate::state::MEDIA_LIFETIME_SECS}})
                .to_string(),
        ))
    })
    .await
}

/// `POST /2/media/upload/:id/append`: `segment_index` and `media` (multipart or JSON).
pub(super) async fn append(Path(id): Path<String>, call: Call<Append>) -> Reply {
    call.answer(|| {
        let user_id = call.user_id().ok_or_else(forbidden)?;
        let (fields, media) = upload_body(
            &call.request,
            "AppendMediaUploadRequest",
            &["segment_index"],
        )?;
        let index = fields["segment_index"].as_u64().unwrap_or_default();
        let expires = call
            .st
            .append_upload(&id, user_id, index, media.unwrap_or_default())
            .map_err(|why| refused(why, &id))?;
        Ok(Reply::json(
            StatusCode::OK,
            json!({"data": {"expires_at": expires}}).to_string(),
        ))
    })
    .await
}

/// `POST /2/media/upload/:id/finalize`: the finished media.
pub(super) async fn finalize(Path(id): Path<String>, call: Call<Finalize>) -> Reply {
    call.answer(|| {
        let user_id = call.user_id().ok_or_else(forbidden)?;
        let media = call
            .st
            .finish_upload(&id, user_id, now())
            .map_err(|why| refused(why, &id))?;
        Ok(Reply::json(
            StatusCode::OK,
            json!({ "data": media_json(&media) }).to_string(),
        ))
    })
    .await
}

/// `GET /2/media/upload?command=STATUS&media_id=...`: a finished upload, `succeeded`.
pub(super) async fn status(call: Call<Status>) -> Reply {
    call.answer(|| {
        let user_id = call.user_id().ok_or_else(forbidden)?;
        let id = call.request.query_param("media_id").unwrap_or_default();
        let media = call
            .st
            .finish_upload(&id, user_id, now())
            .map_err(|why| refused(why, &id))?;
        let mut data = media_json(&media);
        data["processing_info"] = json!({"state": "succeeded", "progress_percent": 100});
        Ok(Reply::json(
            StatusCode::OK,
            json!({ "data": data }).to_string(),
        ))
    })
    .await
}

/// `POST /1.1/media/upload.json` in one request (multipart `media`, as tweepy's
/// `simple_upload` sends it): v1.1's media object.
pub(super) async fn upload_v1(call: Call<UploadV1>) -> Reply {
    call.answer(|| {
        let user_id = call.user_id().ok_or_else(forbidden)?;
        let missing = || {
            Reply::json(StatusCode::BAD_REQUEST, p::V1_38_MEDIA_MISSING).explain(
                "the sandbox takes v1.1 uploads in one multipart request with a `media` part; \
                 chunks (command=INIT/APPEND/FINALIZE) go to /2/media/upload",
            )
        };
        let (fields, media) = multipart_fields(&call.request).ok_or_else(missing)?;
        let bytes = media.ok_or_else(missing)?;
        let category = fields
            .get("media_category")
            .and_then(Value::as_str)
            .unwrap_or("tweet_image");
        let media = call
            .st
            .upload(user_id, category, bytes, now())
            .map_err(|why| refused(why, ""))?;
        let mut body = media_json(&media);
        let id = media.id.parse::<u64>().unwrap_or_default();
        body["media_id"] = json!(id);
        body["media_id_string"] = json!(media.id);
        if let Some(obj) = body.as_object_mut() {
            obj.remove("id");
        }
        Ok(Reply::json(StatusCode::OK, body.to_string()))
    })
    .await
}
