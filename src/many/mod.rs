//! Verify many accounts of one app: stream a CSV or JSON Lines file of Access Tokens, verify each with
//! one `GET /2/users/me` ([`crate::verify::verify`]) through one shared connection pool, at most
//! `concurrency` at a time, wait out each user's rate limit, and give exactly one [`Outcome`] per
//! input row, in input order. Chapter: "Verify many accounts".
//!
//! - [`rows`] reads the input ([`InputFormat`]) into [`Entry`]s, checking each row offline;
//! - [`verify_all`] is the engine: concurrency, rate limits, input order;
//! - [`Outcome`], [`OutcomeWriter`] and [`Summary`] are what comes out.
//!
//! Memory stays flat in the number of rows: rows are read as they are needed, results leave as soon
//! as the rows before them are done (a bounded reorder window), and the only thing kept per row is a
//! 64-bit fingerprint of its Access Token and its line number (16 bytes), to catch duplicate rows.

mod engine;
mod input;
mod output;
mod source;

pub use engine::{verify_all, App, ManyError, Options};
pub use input::{rows, AccountRow, Entry, InputError, InputFormat, Rows, UnknownFormat, MAX_ROW};
pub use output::{
    ExitClass, Outcome, OutcomeWriter, OutputFormat, RowVerdict, Summary, UnknownOutputFormat,
    COLUMNS,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::AccessLevel;
    use crate::api_error::ProblemKind;
    use std::path::Path;

    const TOKEN: &str = "1790000000000000042-Hq8Wm3Lx7Kp2Rv9Tz4Nc6Bj1Fd5Gs0";
    const SECRET: &str = "Yt6Rp1Lm9Kq3Wx7Zn2Vb5Hc8Jd4Fg0Sa6Qe1Tu9Io3Py7";

    fn read(text: &str, format: InputFormat) -> Vec<Entry> {
        rows(text.as_bytes(), format)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    fn reason(e: &Entry) -> &str {
        match e {
            Entry::Malformed { reason, .. } => reason,
            Entry::Account(_) => "",
        }
    }

    #[test]
    fn csv_rows_keep_their_line_numbers_and_problems() {
        let text = format!(
            "label,access_token,access_token_secret\n\
             alice,{TOKEN},{SECRET}\n\
             \n\
             bob,,{SECRET}\n\
             carol,AAAAAAAAAAAAAAAAAAAAA%3D,{SECRET}\n\
             dave,{TOKEN},{SECRET}\n\
             eve,{SECRET},{TOKEN}\n\
             frank,{TOKEN}\n"
        );
        let entries = read(&text, InputFormat::Csv);
        let lines: Vec<u64> = entries.iter().map(Entry::line).collect();
        assert_eq!(lines, [2, 4, 5, 6, 7, 8]);
        assert!(matches!(&entries[0], Entry::Account(r) if r.label.as_deref() == Some("alice")));
        assert_eq!(reason(&entries[1]), "access_token is empty");
        assert!(reason(&entries[2]).contains("doesn't start with the account's numeric id"));
        assert!(reason(&entries[3]).contains("duplicate: the same access_token as line 2"));
        assert!(reason(&entries[4]).contains("are the two columns swapped?"));
        assert!(reason(&entries[5]).contains("access_token_secret is missing"));
        for e in &entries {
            let shown = format!("{e:?}");
            assert!(
                !shown.contains(SECRET) && !shown.contains(&SECRET[..8]),
                "{shown}"
            );
        }
        // The swapped row's "token" is a secret: it is not shown, not even masked.
        assert!(matches!(
            &entries[4],
            Entry::Malformed {
                access_token: None,
                ..
            }
        ));
    }

    #[test]
    fn a_csv_without_the_header_is_refused_without_echoing_it() {
        let err = rows(format!("{TOKEN},{SECRET}\n").as_bytes(), InputFormat::Csv)
            .err()
            .unwrap();
        let text = err.to_string();
        assert!(
            text.contains("no column named access_token or access_token_secret"),
            "{text}"
        );
        assert!(
            !text.contains(&SECRET[..8]) && !text.contains(&TOKEN[..8]),
            "{text}"
        );
    }

    #[test]
    fn json_lines_rows_and_their_problems() {
        let text = format!(
            "{{\"access_token\":\"{TOKEN}\",\"access_token_secret\":\"{SECRET}\",\"label\":\"a\"}}\n\
             \n\
             {{\"access_token\":\"{TOKEN}x\",\"access_token_secret\":42}}\n\
             not json {SECRET}\n\
             [1,2]\n\
             {{\"access_token_secret\":\"{SECRET}\"}}\n"
        );
        let entries = read(&text, InputFormat::JsonLines);
        let lines: Vec<u64> = entries.iter().map(Entry::line).collect();
        assert_eq!(lines, [1, 3, 4, 5, 6]);
        assert!(matches!(&entries[0], Entry::Account(_)));
        assert!(reason(&entries[1]).contains("access_token_secret is not a string"));
        assert!(reason(&entries[2]).starts_with("not valid JSON"));
        assert!(!reason(&entries[2]).contains(&SECRET[..8]));
        assert_eq!(reason(&entries[3]), "the line is JSON but not an object; access_token is missing; access_token_secret is missing");
        assert_eq!(reason(&entries[4]), "access_token is missing");
    }

    #[test]
    fn an_overlong_line_is_one_malformed_row() {
        let text = format!(
            "{}\n{{\"access_token\":\"{TOKEN}\",\"access_token_secret\":\"{SECRET}\"}}\n",
            "x".repeat(MAX_ROW * 2)
        );
        let entries = read(&text, InputFormat::JsonLines);
        assert_eq!(entries.len(), 2);
        assert!(reason(&entries[0]).contains("longer than"));
        assert!(matches!(&entries[1], Entry::Account(r) if r.line == 2));
    }

    #[test]
    fn formats_come_from_the_extension() {
        assert_eq!(
            InputFormat::from_path(Path::new("a.CSV")),
            Some(InputFormat::Csv)
        );
        assert_eq!(
            InputFormat::from_path(Path::new("a.jsonl")),
            Some(InputFormat::JsonLines)
        );
        assert_eq!(InputFormat::from_path(Path::new("a.txt")), None);
        assert_eq!("jsonl".parse(), Ok(InputFormat::JsonLines));
        assert!("xml".parse::<InputFormat>().is_err());
        assert_eq!("csv".parse(), Ok(OutputFormat::Csv));
        assert_eq!(OutputFormat::JsonLines.to_string(), "jsonl");
        let err = "tsv".parse::<OutputFormat>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"tsv\" is not an output format: use jsonl or csv"
        );
    }

    #[test]
    fn verdicts_are_typed_and_serialize_as_their_names() {
        let kind = RowVerdict::Problem(ProblemKind::KeysRejected);
        assert_eq!(serde_json::to_value(kind).unwrap(), "keys-rejected");
        assert_eq!(
            serde_json::to_value(RowVerdict::Malformed).unwrap(),
            "malformed"
        );
        assert_eq!(format!("{:<11}|", RowVerdict::Ok), "ok         |");
        assert_eq!(kind.exit_class(), ExitClass::Setup);
        let server = RowVerdict::Problem(ProblemKind::ServerError);
        assert_eq!(server.exit_class(), ExitClass::Network);
        // The summary lists equal counts by name.
        // (declared later, named earlier)
        assert!(
            RowVerdict::Problem(ProblemKind::BadBaseUrl)
                < RowVerdict::Problem(ProblemKind::CreditsDepleted)
        );
        assert!(RowVerdict::Malformed < RowVerdict::Ok);
    }

    #[test]
    fn quoted_csv_fields_may_span_lines_and_rows_keep_the_line_they_start_on() {
        let text = format!(
            "\u{feff}access_token,access_token_secret,label\r\n\
             {TOKEN},{SECRET},\"alice\r\nsecond line, with a comma\"\r\n\
             \r\n\
             \r\n\
             ,{SECRET},\"bob \"\"the builder\"\"\"\r\n\
             \"{TOKEN}\",\"{SECRET}\",\"carol\n\n(three lines)\"\n\
             \n\
             dave,\"x\ny\"\n"
        );
        let entries = read(&text, InputFormat::Csv);
        let lines: Vec<u64> = entries.iter().map(Entry::line).collect();
        assert_eq!(lines, [2, 6, 7, 11]);
        match &entries[0] {
            Entry::Account(r) => {
                assert_eq!(
                    r.label.as_deref(),
                    Some("alice\r\nsecond line, with a comma")
                );
                assert_eq!(r.access_token_secret.expose_secret(), SECRET);
            }
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(&entries[1], Entry::Malformed { label: Some(l), .. } if l == "bob \"the builder\"")
        );
        assert!(reason(&entries[2]).contains("duplicate: the same access_token as line 2"));
        assert!(
            reason(&entries[3]).contains("access_token doesn't start with"),
            "{}",
            reason(&entries[3])
        );
        assert!(
            reason(&entries[3]).contains("access_token_secret contains spaces"),
            "{}",
            reason(&entries[3])
        );
    }

    #[test]
    fn a_quote_that_never_closes_stops_the_input_at_its_line() {
        let mut text =
            format!("access_token,access_token_secret\n{TOKEN},{SECRET}\n\n\"{TOKEN},{SECRET}\n");
        text.push_str(&format!("{TOKEN},{SECRET}\n").repeat(MAX_ROW / 50));
        let mut rows = rows(text.as_bytes(), InputFormat::Csv).unwrap();
        assert!(matches!(rows.next(), Some(Ok(Entry::Account(r))) if r.line == 2));
        let err = match rows.next() {
            Some(Err(e)) => e,
            other => panic!("{other:?}"),
        };
        assert!(matches!(err, InputError::RowTooLong { line: 4 }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.contains("starts on line 4") && text.contains("never closes"),
            "{text}"
        );
        assert!(!text.contains(&SECRET[..8]), "{text}");
        assert!(rows.next().is_none(), "nothing is read after it");
    }

    #[test]
    fn many_blank_lines_are_not_a_long_row() {
        let text = format!(
            "access_token,access_token_secret\n{}{TOKEN},{SECRET}\n",
            "\r\n".repeat(MAX_ROW)
        );
        let entries = read(&text, InputFormat::Csv);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].line(), MAX_ROW as u64 + 2);
    }

    #[test]
    fn csv_output_quotes_and_orders_the_columns() {
        let mut o = Outcome::malformed(
            7,
            Some("a, \"b\"".into()),
            None,
            "access_token is empty".into(),
        );
        o.access_level = Some(AccessLevel::ReadWrite);
        let mut w = OutcomeWriter::new(Vec::new(), OutputFormat::Csv).unwrap();
        w.write(&o).unwrap();
        w.flush().unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(
            text,
            "line,label,access_token,verdict,exit_class,username,user_id,access_level,retry_helps,reason,rate_limit_reset,requests,waited_secs\n\
             7,\"a, \"\"b\"\"\",,malformed,setup,,,read-write,false,access_token is empty,,0,0\n"
        );
    }
}
