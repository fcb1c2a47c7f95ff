//! X's user objects: the v2 `User` with the `user.fields` asked for, and the v1.1 user of
//! `verify_credentials`. Dates and counts are read from the user id, so they are deterministic.

use std::time::{Duration, UNIX_EPOCH};

use serde_json::{json, Map, Value};

use crate::state::User;

/// Every value `user.fields` takes in X's OpenAPI spec 2.167 (its `UserFieldsParameter`,
/// <https://api.x.com/2/openapi.json>). `pinned_tweet_id` and `most_recent_tweet_id` were user
/// fields in 2.159; in 2.167 `pinned_post_id` and `most_recent_post_id` are expansions only.
pub(crate) const USER_FIELDS: &[&str] = &[
    "confirmed_email",
    "connection_status",
    "created_at",
    "description",
    "entities",
    "id",
    "is_identity_verified",
    "location",
    "name",
    "parody",
    "profile_banner_url",
    "profile_image_url",
    "protected",
    "public_metrics",
    "receives_your_dm",
    "subscribes_to_you",
    "subscription",
    "subscription_type",
    "url",
    "username",
    "verified",
    "verified_followers_count",
    "verified_type",
    "withheld",
];

/// Every value `expansions` takes on the user endpoints in 2.167 (`UserExpansionsParameter`).
/// The sandbox's users have none of these, so no `includes` is ever added.
pub(crate) const USER_EXPANSIONS: &[&str] =
    &["affiliation", "most_recent_post_id", "pinned_post_id"];

/// `Sat, 05 Mar 2022 06:47:24 GMT` split into (weekday, day, month, year, time).
fn date_parts(unix_secs: u64) -> Option<(String, String, String, String, String)> {
    let s = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(unix_secs));
    let mut it = s.split([',', ' ']).filter(|x| !x.is_empty());
    Some((
        it.next()?.to_string(),
        it.next()?.to_string(),
        it.next()?.to_string(),
        it.next()?.to_string(),
        it.next()?.to_string(),
    ))
}

/// When the account was created: read from the snowflake id (ms = (id >> 22) + 1288834974657).
fn created_unix(id: &str) -> u64 {
    match id.parse::<u64>() {
        Ok(n) if n >= 1_000_000_000_000_000 => ((n >> 22) + 1_288_834_974_657) / 1000,
        // Pre-snowflake accounts: the day snowflake ids started.
        _ => 1_288_834_974,
    }
}

/// `created_at` as v2 writes it: `2010-11-04T01:42:54.000Z`.
fn created_at_v2(id: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match date_parts(created_unix(id)) {
        Some((_, day, mon, year, time)) => {
            let m = MONTHS.iter().position(|x| *x == mon).unwrap_or(0) + 1;
            format!("{year}-{m:02}-{day}T{time}.000Z")
        }
        None => "2010-11-04T01:42:54.000Z".into(),
    }
}

/// `created_at` as v1.1 writes it: `Thu Nov 04 01:42:54 +0000 2010`.
fn created_at_v1(id: &str) -> String {
    match date_parts(created_unix(id)) {
        Some((wd, day, mon, year, time)) => format!("{wd} {mon} {day} {time} +0000 {year}"),
        None => "Thu Nov 04 01:42:54 +0000 2010".into(),
    }
}

/// Deterministic public metrics read from the id.
fn metrics(id: &str) -> [u64; 6] {
    let n = id.parse::<u64>().unwrap_or(0);
    [
        n % 5000,
        (n / 7) % 800,
        (n / 13) % 3000,
        (n / 17) % 20,
        (n / 19) % 10_000,
        (n / 23) % 100,
    ]
}

/// The avatar X shows for a user without one.
const DEFAULT_AVATAR: &str =
    "https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png";

/// The v2 answer `{"data": User}` with `fields` (known `user.fields` values).
pub(crate) fn v2(user: &User, fields: &[String]) -> Value {
    let mut data = Map::new();
    data.insert("id".into(), json!(user.id));
    data.insert("name".into(), json!(user.name));
    data.insert("username".into(), json!(user.username));
    let [followers, following, tweets, listed, likes, media] = metrics(&user.id);
    for field in fields {
        let value = match field.as_str() {
            "created_at" => json!(created_at_v2(&user.id)),
            "description" => json!(user.description),
            "public_metrics" => json!({
                "followers_count": followers,
                "following_count": following,
                "tweet_count": tweets,
                "listed_count": listed,
                "like_count": likes,
                "media_count": media,
            }),
            "verified" => json!(false),
            "verified_type" => json!("none"),
            "profile_image_url" => json!(DEFAULT_AVATAR),
            "protected" => json!(false),
            "subscription_type" => json!("None"),
            // Other fields: absent, as X omits fields a user does not have.
            _ => continue,
        };
        data.insert(field.clone(), value);
    }
    json!({ "data": data })
}

/// The v1.1 user object of `GET /1.1/account/verify_credentials.json`.
pub(crate) fn v1(user: &User) -> Value {
    let [followers, following, tweets, listed, likes, _] = metrics(&user.id);
    json!({
        "id": user.id.parse::<u64>().unwrap_or(0),
        "id_str": user.id,
        "name": user.name,
        "screen_name": user.username,
        "description": user.description,
        "protected": false,
        "verified": false,
        "followers_count": followers,
        "friends_count": following,
        "listed_count": listed,
        "favourites_count": likes,
        "statuses_count": tweets,
        "created_at": created_at_v1(&user.id),
        "profile_image_url_https": DEFAULT_AVATAR,
    })
}
