//! The two ids that name things across the crate: a document's and a
//! metric's.
//!
//! Both are text (`seed-2022`, `m-1a2b3c4d`), stored in VARCHAR columns
//! and written into URLs, and as bare `String`s one was easily passed
//! where the other was meant: a page for a metric asked with a document's
//! id finds nothing and says so, without anything pointing at the mix-up.
//! Each is its own type here, so a struct field or a function's argument
//! says which it carries, and the compiler holds callers to it.
//!
//! They are the text and nothing more: serialised as the bare string
//! (`serde(transparent)`), displayed, debug-printed and bound as SQL
//! parameters as it, so JSON, URLs, messages and SQL are what they were
//! with strings.

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(id: impl Into<String>) -> $name {
                $name(id.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> $name {
                $name(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> $name {
                $name(id.to_owned())
            }
        }

        /// As the text alone (`"seed-2022"`), like the string it replaced:
        /// messages that quote an id read as they did.
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(&self.0, f)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        /// Maps keyed by the id are looked up by its text too.
        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        #[cfg(feature = "db")]
        impl duckdb::ToSql for $name {
            fn to_sql(&self) -> duckdb::Result<duckdb::types::ToSqlOutput<'_>> {
                self.0.to_sql()
            }
        }

        #[cfg(feature = "db")]
        impl duckdb::types::FromSql for $name {
            fn column_result(value: duckdb::types::ValueRef<'_>) -> duckdb::types::FromSqlResult<$name> {
                String::column_result(value).map($name)
            }
        }
    };
}

id_type! {
    /// A document's id: its file name without the extension
    /// (`seed-2022`), the `id` of `documents` and the `doc_id` of every
    /// row, figure, observation and target read from it.
    DocId
}

id_type! {
    /// A metric's id: the catalogue's (`tech-transfer-orgs`) or one made
    /// from a wording found in text (`m-1a2b3c4d`); the `id` of `metrics`
    /// and the `metric_id` of its observations and targets.
    MetricId
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_text_in_json_and_display() {
        let doc = DocId::from("自查表 2022");
        assert_eq!(serde_json::to_string(&doc).unwrap(), "\"自查表 2022\"");
        assert_eq!(serde_json::from_str::<DocId>("\"自查表 2022\"").unwrap(), doc);
        assert_eq!(doc.to_string(), "自查表 2022");
        assert_eq!(format!("{doc:?}"), "\"自查表 2022\"");
        let metric = MetricId::new("m-1a2b3c4d");
        assert_eq!(metric, "m-1a2b3c4d");
        assert_eq!(serde_json::to_value(Some(&metric)).unwrap(), serde_json::json!("m-1a2b3c4d"));
    }

    #[cfg(feature = "db")]
    #[test]
    fn an_id_binds_and_reads_as_text() {
        let conn = duckdb::Connection::open_in_memory().unwrap();
        let id = DocId::from("seed-2022");
        let (back, kind): (DocId, String) =
            conn.query_row("SELECT ?, typeof(?)", duckdb::params![id, id], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        assert_eq!((back, kind.as_str()), (id, "VARCHAR"));
        let none: Option<MetricId> = conn.query_row("SELECT NULL::VARCHAR", [], |r| r.get(0)).unwrap();
        assert_eq!(none, None);
    }
}
