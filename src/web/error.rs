//! What can go wrong making a page, as a type: each case knows its HTTP
//! status, and replies as JSON for the API (`IntoResponse`) or as an error
//! page for people (see `pages`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::Reply;

#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// No dashboard of that name.
    #[error("没有名为 {0} 的仪表板")]
    NoDashboard(String),
    /// A dashboard file its author must fix: its path and the reason.
    #[error("{path}: {reason}")]
    BrokenDashboard { path: String, reason: String },
    /// The database could not be reached.
    #[error("数据库暂时不可用：{0}")]
    Database(#[from] duckdb::Error),
}

impl PageError {
    pub fn status(&self) -> StatusCode {
        match self {
            PageError::NoDashboard(_) => StatusCode::NOT_FOUND,
            PageError::BrokenDashboard { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            PageError::Database(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The error as the API's JSON reply.
    pub fn reply(&self) -> Reply {
        Reply::error(self.status(), &self.to_string())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.reply().into_response()
    }
}
