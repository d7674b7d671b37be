//! Read-only questions of the current generation, for the command line:
//! each opens the database read-only (it never changes the file, and works
//! while the server runs) and answers from it.

use std::path::Path;

use super::AppError;
use crate::frame::Frame;
use crate::metrics::catalogue::Catalogue;
use crate::metrics::{self, suggest};
use crate::store::{AttainmentRow, Store, StoreError};

/// The attainment view, worst first, and the same as a frame (for CSV).
pub fn attainment(db: &Path) -> Result<(Vec<AttainmentRow>, Frame), AppError> {
    let store = Store::open_read_only(db)?;
    let rows = store.attainment()?;
    let frame = Frame::query(store.connection(), "SELECT * FROM attainment", usize::MAX).map_err(StoreError::from)?;
    Ok((rows, frame))
}

/// What `catalogue suggest` proposes.
pub struct Proposals {
    pub suggestions: Vec<suggest::Suggestion>,
    pub joins: Vec<suggest::Join>,
    /// Reports the proposals were drawn from.
    pub reports: usize,
}

/// Catalogue entries for metrics found in `min_documents` or more of the
/// stored reports, and joins of metrics worded alike, derived afresh with
/// the catalogue at `catalogue`.
pub fn proposals(db: &Path, catalogue: &Path, min_documents: usize) -> Result<Proposals, AppError> {
    let store = Store::open_read_only(db)?;
    let (catalogue, _) = Catalogue::load(catalogue)?;
    let docs = store.documents()?;
    let derived = metrics::derive_documents(&docs, &catalogue);
    Ok(Proposals {
        suggestions: suggest::suggestions(&derived, min_documents.max(1)),
        joins: suggest::joins(&derived),
        reports: docs.len(),
    })
}
