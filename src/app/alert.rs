//! Alerts: when a snapshot finds targets newly missed (or, with
//! `alerts.on = "any"`, any change), each configured webhook is sent the
//! list and a link. A plain JSON body by default; the text message that
//! WeCom (企业微信) and DingTalk (钉钉) group robots accept when so set.
//!
//! A failing webhook is retried (three tries, a second then two apart) and
//! its outcome reported; it never fails the snapshot.

use std::time::Duration;

use serde_json::json;

use super::settings::{AlertOn, AlertSettings, Webhook, WebhookFormat};
use crate::store::{Change, Changes};

/// Tries per webhook.
const TRIES: u32 = 3;

/// Whether `changes` call for an alert under `settings`.
pub fn due(settings: &AlertSettings, changes: &Changes) -> bool {
    !settings.webhook.is_empty()
        && match settings.on {
            AlertOn::Missed => !changes.newly_missed.is_empty(),
            AlertOn::Any => !changes.is_empty(),
        }
}

/// The alert's text, for people: what was newly missed first.
pub fn text(snapshot: &str, changes: &Changes, link: Option<&str>) -> String {
    let line = |c: &Change| {
        let n = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), crate::numbers::plain);
        format!("· {} {}：目标 {}{u}，实际 {}{u}", c.metric, c.period, n(c.target), n(c.after), u = c.unit)
    };
    let mut out = format!("指标快照 {snapshot}");
    if !changes.newly_missed.is_empty() {
        out += &format!("\n新出现未完成的目标 {} 项：", changes.newly_missed.len());
        for c in changes.newly_missed.iter().take(20) {
            out += &format!("\n{}", line(c));
        }
    }
    if !changes.newly_met.is_empty() {
        out += &format!("\n新完成的目标 {} 项", changes.newly_met.len());
    }
    let docs = changes.new_documents.len() + changes.changed_documents.len();
    if docs > 0 {
        out += &format!("\n新增或更新文档 {docs} 份");
    }
    if !changes.values.is_empty() {
        out += &format!("\n数值变化 {} 项", changes.values.len());
    }
    if let Some(l) = link {
        out += &format!("\n{l}");
    }
    out
}

/// The body `hook` is sent.
pub fn body(hook: &Webhook, snapshot: &str, changes: &Changes, link: Option<&str>) -> serde_json::Value {
    match hook.format {
        WebhookFormat::Json => json!({
            "snapshot": snapshot,
            "link": link,
            "newly_missed": changes.newly_missed,
            "newly_met": changes.newly_met,
            "new_documents": changes.new_documents,
            "changed_documents": changes.changed_documents,
            "changed_values": changes.values.len(),
            "text": text(snapshot, changes, link),
        }),
        WebhookFormat::Wecom | WebhookFormat::Dingtalk => {
            json!({ "msgtype": "text", "text": { "content": text(snapshot, changes, link) } })
        }
    }
}

/// Sends `body` to `hook`, retrying; the outcome in words.
pub fn send(hook: &Webhook, body: &serde_json::Value) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder().timeout_global(Some(Duration::from_secs(10))).build().into();
    let mut last = String::new();
    for attempt in 1..=TRIES {
        match agent.post(&hook.url).header("Content-Type", "application/json; charset=utf-8").send(body.to_string()) {
            Ok(r) => return Ok(format!("已送达（HTTP {}，第 {attempt} 次）", r.status().as_u16())),
            Err(e) => last = e.to_string(),
        }
        if attempt < TRIES {
            std::thread::sleep(Duration::from_secs(u64::from(attempt)));
        }
    }
    Err(format!("{TRIES} 次均失败：{last}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_that_never_answers_is_retried_and_reported() {
        // Nothing listens on the discard port.
        let hook = Webhook { url: "http://127.0.0.1:9/hook".into(), format: WebhookFormat::Json };
        let err = send(&hook, &json!({})).unwrap_err();
        assert!(err.starts_with("3 次均失败"), "{err}");
    }

    #[test]
    fn alerts_are_due_by_the_setting() {
        let mut settings = AlertSettings::default();
        let mut changes = Changes { values: vec![], ..Changes::default() };
        changes.new_documents.push("a".into());
        assert!(!due(&settings, &changes), "no webhook, no alert");
        settings.webhook.push(Webhook { url: "http://x".into(), format: WebhookFormat::Dingtalk });
        assert!(!due(&settings, &changes), "nothing newly missed");
        settings.on = AlertOn::Any;
        assert!(due(&settings, &changes));
        let body = body(&settings.webhook[0], "2026-W49", &changes, Some("http://x/snapshots"));
        assert_eq!(body["msgtype"], "text");
        assert!(body["text"]["content"].as_str().unwrap().contains("新增或更新文档 1 份"));
    }
}
