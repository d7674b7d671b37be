//! Deriving metrics from what is stored, and what a long-running process
//! keeps from one derivation for the next.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Instant;

use crate::document::Document;
use crate::extract::Figure;
use crate::id::DocId;
use crate::metrics::{self, Derived, catalogue::Catalogue};
use crate::store::{Store, StoreError};

/// A stored document with its figures, and the content hash it was
/// stored with.
type Stored = (String, Arc<(Document, Vec<Figure>)>);

/// What a metrics refresh produced.
#[derive(Debug, Clone, Default)]
pub struct MetricsSummary {
    pub metrics: usize,
    pub observations: usize,
    pub targets: usize,
    /// Targets by status (met, missed, forecast, no_data).
    pub status: BTreeMap<&'static str, usize>,
    /// Only the rows that changed were written (see [`Kept`]).
    pub changes_only: bool,
}

/// What one derivation leaves for the next in a long-running process (the
/// server's refreshes): every stored document as read back, each one's
/// reading ([`metrics::Readings`]), and the derived tables as written.
///
/// A refresh that changes one report of a thousand then reads that one
/// back, reads it alone again, and writes only the rows that changed,
/// instead of reading a hundred thousand figures from the database and
/// writing every derived row again.
///
/// What is kept is trusted only for the file it was written to: the
/// derived tables carry a token ([`Store::derived_token`]), and a file
/// whose token is not the one kept (another process wrote it since) is
/// read and written whole.
#[derive(Default)]
pub struct Kept {
    readings: metrics::Readings,
    /// Each document by id, with the content hash it was stored with.
    documents: HashMap<DocId, Stored>,
    /// The derived tables as last written, and the token written with them.
    derived: Option<(String, Derived)>,
}

/// Derives metrics, observations and targets from everything stored and
/// replaces the derived tables, when documents changed (`documents_changed`)
/// or the catalogue is not the one they were derived with. Returns `None`
/// when nothing needed doing.
pub fn refresh_metrics(
    store: &mut Store,
    catalogue: &Catalogue,
    catalogue_fingerprint: &str,
    documents_changed: bool,
) -> Result<Option<MetricsSummary>, StoreError> {
    refresh_metrics_with(store, catalogue, catalogue_fingerprint, documents_changed, &mut Kept::default())
}

/// [`refresh_metrics`], reusing what `kept` holds from the last derivation
/// where it is still what the database holds, and keeping this one's.
pub fn refresh_metrics_with(
    store: &mut Store,
    catalogue: &Catalogue,
    catalogue_fingerprint: &str,
    documents_changed: bool,
    kept: &mut Kept,
) -> Result<Option<MetricsSummary>, StoreError> {
    let stamp = format!("{}:{catalogue_fingerprint}", crate::store::SCHEMA_VERSION);
    if !documents_changed && store.derived_from()?.as_deref() == Some(stamp.as_str()) {
        return Ok(None);
    }
    let t = Instant::now();
    let token = store.derived_token()?;
    let previous = match kept.derived.take() {
        Some((k, derived)) if Some(&k) == token.as_ref() => Some(derived),
        _ => {
            kept.documents.clear();
            None
        }
    };
    let docs = documents(store, &mut kept.documents)?;
    tracing::debug!("metrics: documents read back in {:?}", t.elapsed());

    let t = Instant::now();
    let hashes: Vec<String> = docs.iter().map(|(hash, _)| hash.clone()).collect();
    let inputs: Vec<metrics::Input> =
        docs.iter().map(|(_, d)| metrics::Input { document: &d.0, figures: &d.1 }).collect();
    let mut derived = metrics::derive_with(&inputs, catalogue, Some(&hashes), &mut kept.readings);
    tracing::debug!("metrics: derived in {:?}", t.elapsed());

    let t = Instant::now();
    let token = store.replace_derived(&derived, &stamp, previous.as_ref())?;
    tracing::debug!("metrics: stored in {:?} ({})", t.elapsed(), if previous.is_some() { "changes" } else { "whole" });
    let mut status = BTreeMap::new();
    for t in &derived.targets {
        *status.entry(t.judgement.status.as_str()).or_default() += 1;
    }
    let summary = MetricsSummary {
        metrics: derived.metrics.len(),
        observations: derived.observations.len(),
        targets: derived.targets.len(),
        status,
        changes_only: previous.is_some(),
    };
    // Each figure's meaning is for the evaluation, not for the tables.
    derived.meanings = Vec::new();
    kept.derived = Some((token, derived));
    Ok(Some(summary))
}

/// Every stored document with its content hash, in the order
/// [`Store::documents`] gives: those `kept` holds with the stored hash from
/// there, the others read back (and kept).
fn documents(store: &Store, kept: &mut HashMap<DocId, Stored>) -> Result<Vec<Stored>, StoreError> {
    let stored = store.stored()?;
    kept.retain(|id, (hash, _)| stored.get(id).is_some_and(|s| &s.content_hash == hash));
    let missing: Vec<DocId> = stored.keys().filter(|id| !kept.contains_key(*id)).cloned().collect();
    if !missing.is_empty() {
        let read = if missing.len() == stored.len() { store.documents()? } else { store.documents_among(&missing)? };
        for doc in read {
            let hash = stored.get(&doc.0.id).map(|s| s.content_hash.clone()).unwrap_or_default();
            kept.insert(doc.0.id.clone(), (hash, Arc::new(doc)));
        }
    }
    let mut docs: Vec<Stored> = kept.values().cloned().collect();
    // The order of `Store::documents`: by period key, none first, then id.
    docs.sort_by(|(_, a), (_, b)| (a.0.period.map(|p| p.key()), &a.0.id).cmp(&(b.0.period.map(|p| p.key()), &b.0.id)));
    Ok(docs)
}
