//! The node's metrics, in Prometheus's text format (`GET /metrics`): open sync connections and
//! documents loaded, edits acknowledged and how long acknowledging took, refused writes, store
//! commit latency, bytes in and out.
//!
//! Stage: *observation*, on the bottom floor (it imports nothing from the crate; the store and the peers report
//! through [`StoreCounts`] and [`PeerCounts`]): the sync pump counts bytes and edits and times their
//! acknowledgement, the store times its commits and knows the documents loaded, the peers count
//! connections and refused writes; this module gathers them into one registry per server (so
//! that several servers in one process — the tests — keep apart).

use prometheus::core::{Collector, Desc};
use prometheus::proto::{self, MetricFamily, MetricType};
use prometheus::{Encoder, Histogram, HistogramOpts, IntCounter, Registry, TextEncoder};

/// What the store tells the metrics (the domain implements it for the store, so that this module
/// imports nothing from the crate and the store can take its commit histogram from here).
pub trait StoreCounts: Clone + Send + Sync + 'static {
    /// The histogram of chunk commits ([`commit_histogram`]).
    fn commit_seconds(&self) -> Histogram;
    /// Transactions that committed chunks.
    fn chunk_transactions(&self) -> u64;
    /// Documents loaded or created since start.
    fn documents_loaded(&self) -> usize;
}

/// What the sync peers tell the metrics at each scrape (the domain's peers implement it): this
/// module stays beneath the domain.
pub trait PeerCounts: Clone + Send + Sync + 'static {
    /// Sync connections open now.
    fn connection_count(&self) -> usize;
    /// Changes refused since start because the sender may not write the document.
    fn refused_writes(&self) -> u64;
}

/// Seconds, from 1 ms to about 16 s: acknowledgements and commits on loopback and beyond.
fn latency_buckets() -> Vec<f64> {
    prometheus::exponential_buckets(0.001, 2.0, 15).expect("valid buckets")
}

/// A value read from elsewhere at each scrape, as a gauge or a counter.
struct Pulled {
    desc: Desc,
    kind: MetricType,
    value: Box<dyn Fn() -> f64 + Send + Sync>,
}

impl Pulled {
    fn new(
        name: &str,
        help: &str,
        kind: MetricType,
        value: impl Fn() -> f64 + Send + Sync + 'static,
    ) -> Box<Pulled> {
        Box::new(Pulled {
            desc: Desc::new(name.into(), help.into(), Vec::new(), Default::default())
                .expect("a valid metric name"),
            kind,
            value: Box::new(value),
        })
    }
}

impl Collector for Pulled {
    fn desc(&self) -> Vec<&Desc> {
        vec![&self.desc]
    }

    fn collect(&self) -> Vec<MetricFamily> {
        let v = (self.value)();
        let mut metric = proto::Metric::default();
        if self.kind == MetricType::COUNTER {
            let mut c = proto::Counter::default();
            c.set_value(v);
            metric.set_counter(c);
        } else {
            let mut g = proto::Gauge::default();
            g.set_value(v);
            metric.set_gauge(g);
        }
        let mut m = MetricFamily::default();
        m.set_name(self.desc.fq_name.clone());
        m.set_help(self.desc.help.clone());
        m.set_field_type(self.kind);
        m.set_metric(vec![metric]);
        vec![m]
    }
}

/// The metrics one server keeps (cloning shares them).
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    /// Edits (sync messages carrying changes the sender may write) acknowledged: stored, and
    /// the document's new heads sent back to their author.
    pub edits_acknowledged: IntCounter,
    /// From an edit's arrival to its acknowledgement.
    pub ack_seconds: Histogram,
    /// Sync bytes received from clients.
    pub bytes_in: IntCounter,
    /// Sync bytes sent to clients.
    pub bytes_out: IntCounter,
}

impl Metrics {
    /// The metrics of a server over `peers` and `store`.
    pub fn new(peers: &impl PeerCounts, store: &impl StoreCounts) -> Metrics {
        let registry = Registry::new();
        let counter = |name: &str, help: &str| {
            let c = IntCounter::new(name, help).expect("a valid metric");
            registry
                .register(Box::new(c.clone()))
                .expect("registered once");
            c
        };
        let edits_acknowledged = counter(
            "tiendo_edits_acknowledged_total",
            "Edits stored and acknowledged to their author.",
        );
        let bytes_in = counter(
            "tiendo_sync_bytes_received_total",
            "Sync bytes received from clients.",
        );
        let bytes_out = counter(
            "tiendo_sync_bytes_sent_total",
            "Sync bytes sent to clients.",
        );
        let ack_seconds = histogram(
            "tiendo_ack_latency_seconds",
            "From an edit's arrival to its acknowledgement.",
        );
        let register = |c: Box<dyn Collector>| registry.register(c).expect("registered once");
        register(Box::new(ack_seconds.clone()));
        register(Box::new(store.commit_seconds()));
        let (p, q, s, t) = (peers.clone(), peers.clone(), store.clone(), store.clone());
        register(Pulled::new(
            "tiendo_sync_connections",
            "Open sync connections.",
            MetricType::GAUGE,
            move || p.connection_count() as f64,
        ));
        register(Pulled::new(
            "tiendo_refused_writes_total",
            "Changes refused because the sender may not write the document.",
            MetricType::COUNTER,
            move || q.refused_writes() as f64,
        ));
        register(Pulled::new(
            "tiendo_store_transactions_total",
            "Transactions that committed chunks (fewer than chunks: group commit).",
            MetricType::COUNTER,
            move || s.chunk_transactions() as f64,
        ));
        register(Pulled::new(
            "tiendo_documents_loaded",
            "Documents loaded or created in the sync repo since start.",
            MetricType::GAUGE,
            move || t.documents_loaded() as f64,
        ));
        Metrics {
            registry,
            edits_acknowledged,
            ack_seconds,
            bytes_in,
            bytes_out,
        }
    }

    /// Every metric, in Prometheus's text format.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .expect("the text format encodes");
        String::from_utf8(out).expect("the text format is UTF-8")
    }
}

/// A latency histogram (seconds) named `name`.
fn histogram(name: &str, help: &str) -> Histogram {
    Histogram::with_opts(HistogramOpts::new(name, help).buckets(latency_buckets()))
        .expect("a valid histogram")
}
