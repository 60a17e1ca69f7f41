//! The client handle and the generic GET/POST/list helpers every API area builds on.

use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use super::answer::shape_error;
use super::error::ApiError;
use super::options::ClientOptions;
use super::paging::{Collector, item_id, parse_page};
use super::retry::Verb;
use super::transport::{Body, Stats, Transport};
use super::url::{BaseUrl, Filters};
use crate::config::ConnectionConfig;
use crate::progress::Meter;

/// TestRail's largest page.
pub const PAGE_SIZE: usize = 250;

/// A TestRail API client. Create one per process and clone it.
#[derive(Debug, Clone)]
pub struct Client {
    transport: Arc<Transport>,
}

impl Client {
    /// Connect with validated settings; fails on a bad URL, CA file or proxy (usage errors).
    pub fn new(cfg: &ConnectionConfig, opts: &ClientOptions) -> anyhow::Result<Client> {
        Ok(Client {
            transport: Arc::new(Transport::new(cfg, opts)?),
        })
    }

    /// Requests and retries made so far by this client and its clones.
    pub fn stats(&self) -> Stats {
        self.transport.stats()
    }

    /// The per-minute request budget, when one is known (given, or learned from a 429).
    pub fn budget(&self) -> Option<u32> {
        self.transport.budget()
    }

    /// The normalised address.
    pub fn base_url(&self) -> &BaseUrl {
        self.transport.base()
    }

    /// The web page of a run.
    pub fn run_url(&self, run_id: u64) -> String {
        self.transport.base().run_url(run_id)
    }

    /// GET one object.
    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        filters: &Filters,
    ) -> Result<T, ApiError> {
        let url = self.transport.base().api(endpoint, filters);
        self.transport
            .send(Verb::Get, endpoint, &url, &Body::Empty)
            .await?
            .decode(Verb::Get, endpoint)
    }

    /// GET a list, following `_links.next` until the end or until `limit` items.
    pub(crate) async fn get_list<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        filters: &Filters,
        key: &str,
        limit: Option<usize>,
    ) -> Result<Vec<T>, ApiError> {
        let base = self.transport.base();
        let filters = match limit {
            Some(n) => filters.clone().add("limit", n.clamp(1, PAGE_SIZE)),
            None => filters.clone(),
        };
        let mut url = base.api(endpoint, &filters);
        let mut collector = Collector::default();
        // A suite of 50,000 cases is 200 pages; at Cloud's rate limit that is a minute.
        let meter = Meter::new(format!("Reading {key}"), None);
        loop {
            let answer = self
                .transport
                .send(Verb::Get, endpoint, &url, &Body::Empty)
                .await?;
            let body: &RawValue = answer.decode(Verb::Get, endpoint)?;
            let page =
                parse_page(body, key).map_err(|detail| shape_error(Verb::Get, endpoint, detail))?;
            let on_page = page.items.len();
            meter.add(on_page as u64);
            for item in page.items {
                if collector.is_new(item_id(item)) {
                    let item = serde_json::from_str(item.get())
                        .map_err(|e| shape_error(Verb::Get, endpoint, e.to_string()))?;
                    collector.push(item);
                }
            }
            if limit.is_some_and(|n| collector.len() >= n) {
                break;
            }
            match page.next {
                // An empty page or a link seen before would loop forever on a misbehaving server.
                Some(next) if on_page > 0 && collector.should_follow(&next) => {
                    url = base
                        .link(&next)
                        .map_err(|detail| shape_error(Verb::Get, endpoint, detail))?;
                }
                _ => break,
            }
        }
        meter.finish();
        let mut items = collector.into_items();
        if let Some(n) = limit {
            items.truncate(n);
        }
        Ok(items)
    }

    /// POST a JSON body and read the answer.
    pub(crate) async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        endpoint: &str,
        filters: &Filters,
        body: &B,
    ) -> Result<T, ApiError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| shape_error(Verb::Post, endpoint, e.to_string()))?;
        self.post_json(endpoint, filters, bytes).await
    }

    /// POST a serialized JSON body and read the answer.
    pub(crate) async fn post_json<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        filters: &Filters,
        bytes: Vec<u8>,
    ) -> Result<T, ApiError> {
        let url = self.transport.base().api(endpoint, filters);
        self.transport
            .send(Verb::Post, endpoint, &url, &Body::Json(bytes.into()))
            .await?
            .decode(Verb::Post, endpoint)
    }

    /// POST a JSON body once; a refusal worth retrying is waited out and returned as
    /// [`ApiError::Deferred`], for the caller to rebuild the body from fresh reads.
    pub(crate) async fn post_once<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        endpoint: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| shape_error(Verb::Post, endpoint, e.to_string()))?;
        let url = self.transport.base().api(endpoint, &Filters::new());
        self.transport
            .send_once(endpoint, &url, &Body::Json(bytes.into()))
            .await?
            .decode(Verb::Post, endpoint)
    }

    /// POST any body and return the raw answer (`Null` for an empty 200).
    pub(crate) async fn post_raw(
        &self,
        endpoint: &str,
        filters: &Filters,
        body: &Body,
    ) -> Result<Value, ApiError> {
        let url = self.transport.base().api(endpoint, filters);
        self.transport
            .send(Verb::Post, endpoint, &url, body)
            .await?
            .decode(Verb::Post, endpoint)
    }
}
