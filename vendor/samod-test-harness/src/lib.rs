//! A deterministic, in-memory network of samod-core hubs for samod-core's integration tests.
//!
//! samod-core is sans-IO: a [`Hub`] and its [`DocumentActor`]s return the I/O they need (storage
//! tasks, share-policy checks, messages for connections) instead of doing it. This harness does
//! that I/O synchronously — storage is a `HashMap`, connections are queues between hubs of one
//! [`Network`] — so a test can step the whole network until nothing is left to do.
//!
//! Upstream's own harness (`samod-test-harness` in the samod repository) is not published on
//! crates.io, and the packaged samod-core lists no such dev-dependency; this one is written for
//! Tiến độ from the API upstream's tests call, so that those tests run against our patches.

use std::collections::{HashMap, VecDeque};

use automerge::Automerge;
use rand::SeedableRng;
use rand::rngs::StdRng;
use samod_core::actors::DocumentActor;
use samod_core::actors::HubToDocMsg;
use samod_core::actors::document::io::{DocumentIoResult, DocumentIoTask};
use samod_core::actors::hub::io::HubIoAction;
use samod_core::actors::hub::{Hub, HubEvent, HubResults};
use samod_core::io::{IoResult, IoTask, StorageResult, StorageTask};
use samod_core::network::{ConnectionEvent, PeerDocState};
use samod_core::{
    CommandId, CommandResult, ConnectionId, DialerConfig, DialerId, DocSearch, DocSearchPhase,
    DocumentActorId, DocumentChanged, DocumentId, ListenerConfig, ListenerId, LoaderState, PeerId,
    ShareConfig, StorageId, StorageKey, UnixTimestamp,
};

/// Which samod of a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SamodId(usize);

/// The two ends of a connection made by [`Network::connect`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Connected {
    /// The dialing side's connection id.
    pub left: ConnectionId,
    /// The listening side's connection id.
    pub right: ConnectionId,
}

/// A document created by [`SamodRef::create_document`].
#[derive(Debug, Clone)]
pub struct RunningDocIds {
    /// The document.
    pub doc_id: DocumentId,
    /// Its actor on the samod that created it.
    pub actor_id: DocumentActorId,
}

/// Decides how a document is shared with a peer.
pub type SharePolicy = Box<dyn Fn(DocumentId, PeerId) -> ShareConfig>;

struct Link {
    left: (SamodId, ConnectionId),
    right: (SamodId, ConnectionId),
    /// The dialer the left side connected through (removed on disconnect).
    dialer: DialerId,
}

/// Work for a document actor.
enum ActorWork {
    Message(HubToDocMsg),
    Io(IoResult<DocumentIoResult>),
}

/// One samod: a hub, its document actors, storage and the queues between them.
struct Samod {
    name: String,
    hub: Box<Hub>,
    rng: StdRng,
    storage: HashMap<StorageKey, Vec<u8>>,
    storage_paused: bool,
    share_policy: SharePolicy,
    actors: HashMap<DocumentActorId, DocumentActor>,
    hub_events: VecDeque<HubEvent>,
    actor_work: VecDeque<(DocumentActorId, ActorWork)>,
    storage_tasks: VecDeque<(DocumentActorId, IoTask<StorageTask>)>,
    outbox: VecDeque<(ConnectionId, Vec<u8>)>,
    disconnects: Vec<ConnectionId>,
    completed: HashMap<CommandId, CommandResult>,
    connection_events: Vec<ConnectionEvent>,
    ephemera: HashMap<DocumentActorId, Vec<Vec<u8>>>,
    peer_state_changes: HashMap<DocumentActorId, Vec<HashMap<ConnectionId, PeerDocState>>>,
    doc_changed: HashMap<DocumentActorId, Vec<DocumentChanged>>,
    searches: HashMap<DocumentId, DocSearch>,
    listener: Option<ListenerId>,
    dial_requests: Vec<DialerId>,
}

fn now() -> UnixTimestamp {
    UnixTimestamp::now()
}

fn run_storage(storage: &mut HashMap<StorageKey, Vec<u8>>, task: StorageTask) -> StorageResult {
    match task {
        StorageTask::Load { key } => StorageResult::Load {
            value: storage.get(&key).cloned(),
        },
        StorageTask::LoadRange { prefix } => StorageResult::LoadRange {
            values: storage
                .iter()
                .filter(|(k, _)| prefix.is_prefix_of(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        },
        StorageTask::Put { key, value } => {
            storage.insert(key, value);
            StorageResult::Put
        }
        StorageTask::Delete { key } => {
            storage.remove(&key);
            StorageResult::Delete
        }
    }
}

impl Samod {
    fn new(name: &str, mut storage: HashMap<StorageKey, Vec<u8>>, seed: u64) -> Samod {
        let mut rng = StdRng::seed_from_u64(seed);
        let peer_id = PeerId::from(format!("{name}-{seed}").as_str());
        let mut loader = Hub::load(peer_id);
        let hub = loop {
            match loader.step(&mut rng, now()) {
                LoaderState::NeedIo(tasks) => {
                    for task in tasks {
                        let payload = run_storage(&mut storage, task.action);
                        loader.provide_io_result(IoResult {
                            task_id: task.task_id,
                            payload,
                        });
                    }
                }
                LoaderState::Loaded(hub) => break hub,
            }
        };
        Samod {
            name: name.to_string(),
            hub,
            rng,
            storage,
            storage_paused: false,
            share_policy: Box::new(|_, _| ShareConfig::default()),
            actors: HashMap::new(),
            hub_events: VecDeque::new(),
            actor_work: VecDeque::new(),
            storage_tasks: VecDeque::new(),
            outbox: VecDeque::new(),
            disconnects: Vec::new(),
            completed: HashMap::new(),
            connection_events: Vec::new(),
            ephemera: HashMap::new(),
            peer_state_changes: HashMap::new(),
            doc_changed: HashMap::new(),
            searches: HashMap::new(),
            listener: None,
            dial_requests: Vec::new(),
        }
    }

    /// Queues a command and returns its id.
    fn command(&mut self, dispatched: samod_core::actors::hub::DispatchedCommand) -> CommandId {
        self.hub_events.push_back(dispatched.event);
        dispatched.command_id
    }

    fn handle_hub_results(&mut self, results: HubResults) {
        let HubResults {
            new_tasks,
            completed_commands,
            spawn_actors,
            actor_messages,
            connection_events,
            dial_requests,
            search_state_updates,
            ..
        } = results;
        for args in spawn_actors {
            let id = args.actor_id();
            let (actor, result) = DocumentActor::new(now(), args);
            self.actors.insert(id, actor);
            self.handle_actor_result(id, result);
        }
        for (command_id, result) in completed_commands {
            if let CommandResult::SearchForDoc {
                search_state,
                actor_id,
            } = &result
                && let Some(doc) = self.actors.get(actor_id).map(|a| a.document_id().clone())
            {
                self.searches.insert(doc, search_state.clone());
            }
            self.completed.insert(command_id, result);
        }
        for task in new_tasks {
            match task.action {
                HubIoAction::Send { connection_id, msg } => {
                    self.outbox.push_back((connection_id, msg))
                }
                HubIoAction::Disconnect { connection_id } => self.disconnects.push(connection_id),
            }
        }
        for (actor, msg) in actor_messages {
            self.actor_work.push_back((actor, ActorWork::Message(msg)));
        }
        self.connection_events.extend(connection_events);
        self.dial_requests
            .extend(dial_requests.into_iter().map(|r| r.dialer_id));
        for (doc, search) in search_state_updates {
            self.searches.insert(doc, search);
        }
    }

    fn handle_actor_result(
        &mut self,
        id: DocumentActorId,
        result: samod_core::actors::document::DocActorResult,
    ) {
        for task in result.io_tasks {
            match task.action {
                DocumentIoTask::Storage(storage) => self.storage_tasks.push_back((
                    id,
                    IoTask {
                        task_id: task.task_id,
                        action: storage,
                    },
                )),
                DocumentIoTask::CheckSharePolicy { peer_id } => {
                    let doc = self.actors[&id].document_id().clone();
                    let config = (self.share_policy)(doc, peer_id);
                    self.actor_work.push_back((
                        id,
                        ActorWork::Io(IoResult {
                            task_id: task.task_id,
                            payload: DocumentIoResult::CheckSharePolicy(config),
                        }),
                    ));
                }
            }
        }
        for msg in result.outgoing_messages {
            self.hub_events.push_back(HubEvent::actor_message(id, msg));
        }
        self.ephemera
            .entry(id)
            .or_default()
            .extend(result.ephemeral_messages);
        self.doc_changed
            .entry(id)
            .or_default()
            .extend(result.change_events);
        if !result.peer_state_changes.is_empty() {
            self.peer_state_changes
                .entry(id)
                .or_default()
                .push(result.peer_state_changes);
        }
    }

    /// Does one piece of local work (a hub event, an actor's input, a storage task); whether
    /// there was any.
    fn step(&mut self) -> bool {
        if let Some(event) = self.hub_events.pop_front() {
            let results = self.hub.handle_event(&mut self.rng, now(), event);
            self.handle_hub_results(results);
            return true;
        }
        if let Some((id, work)) = self.actor_work.pop_front() {
            let Some(actor) = self.actors.get_mut(&id) else {
                return true;
            };
            let result = match work {
                ActorWork::Message(msg) => actor.handle_message(now(), msg),
                ActorWork::Io(io) => actor.handle_io_complete(now(), io),
            };
            if let Ok(result) = result {
                let stopped = result.stopped;
                self.handle_actor_result(id, result);
                if stopped {
                    self.actors.remove(&id);
                }
            }
            return true;
        }
        if !self.storage_paused
            && let Some((id, task)) = self.storage_tasks.pop_front()
        {
            let payload = run_storage(&mut self.storage, task.action);
            self.actor_work.push_back((
                id,
                ActorWork::Io(IoResult {
                    task_id: task.task_id,
                    payload: DocumentIoResult::Storage(payload),
                }),
            ));
            return true;
        }
        false
    }

    fn run_local(&mut self) {
        while self.step() {}
    }

    fn actor_of(&self, doc: &DocumentId) -> Option<DocumentActorId> {
        self.actors
            .iter()
            .find(|(_, a)| a.document_id() == doc)
            .map(|(id, _)| *id)
    }
}

/// Hubs and the connections between them.
pub struct Network {
    samods: Vec<Samod>,
    links: Vec<Link>,
}

impl Default for Network {
    fn default() -> Self {
        Self::new()
    }
}

impl Network {
    /// An empty network.
    pub fn new() -> Network {
        Network {
            samods: Vec::new(),
            links: Vec::new(),
        }
    }

    /// A samod with empty storage.
    pub fn create_samod<S: AsRef<str>>(&mut self, nickname: S) -> SamodId {
        self.create_samod_with_storage(nickname, HashMap::new())
    }

    /// A samod over `storage` (as another one left it, or made by hand).
    pub fn create_samod_with_storage<S: AsRef<str>>(
        &mut self,
        nickname: S,
        storage: HashMap<StorageKey, Vec<u8>>,
    ) -> SamodId {
        let id = SamodId(self.samods.len());
        let seed = 0x5a_0d + self.samods.len() as u64;
        self.samods
            .push(Samod::new(nickname.as_ref(), storage, seed));
        self.run_until_quiescent();
        id
    }

    /// One samod, to act on.
    pub fn samod(&mut self, id: &SamodId) -> SamodRef<'_> {
        SamodRef {
            network: self,
            id: *id,
        }
    }

    /// `left` dials `right` (through a dialer of its own, `right` through its listener); the
    /// handshake runs with the rest of the network.
    pub fn connect(&mut self, left: SamodId, right: SamodId) -> Connected {
        let url = url::Url::parse(&format!(
            "test://{}-{}/{}",
            self.samods[right.0].name,
            right.0,
            self.links.len()
        ))
        .expect("a valid test url");
        let listener = self.listener_of(right);
        // The dialing side: a dialer, whose first dial request the harness answers now.
        let dialer_id = self.samod(&left).add_dialer(DialerConfig {
            url,
            backoff: Default::default(),
        });
        self.connect_through(left, dialer_id, right, listener)
    }

    /// [`Network::connect`] through a dialer `left` already has.
    pub fn connect_with_dialer(
        &mut self,
        left: SamodId,
        dialer_id: DialerId,
        right: SamodId,
    ) -> Connected {
        let listener = self.listener_of(right);
        self.connect_through(left, dialer_id, right, listener)
    }

    fn listener_of(&mut self, right: SamodId) -> ListenerId {
        if let Some(l) = self.samods[right.0].listener {
            return l;
        }
        let url = url::Url::parse(&format!("test://{}-{}", self.samods[right.0].name, right.0))
            .expect("a valid test url");
        let cmd = self.samods[right.0].command(HubEvent::add_listener(ListenerConfig { url }));
        self.samods[right.0].run_local();
        let Some(CommandResult::AddListener { listener_id }) =
            self.samods[right.0].completed.remove(&cmd)
        else {
            panic!("the listener was not added");
        };
        self.samods[right.0].listener = Some(listener_id);
        listener_id
    }

    fn connect_through(
        &mut self,
        left: SamodId,
        dialer_id: DialerId,
        right: SamodId,
        listener: ListenerId,
    ) -> Connected {
        let left_conn = self.samod(&left).create_dialer_connection(dialer_id);
        let cmd =
            self.samods[right.0].command(HubEvent::create_listener_connection(listener, None));
        self.samods[right.0].run_local();
        let Some(CommandResult::CreateConnection {
            connection_id: right_conn,
        }) = self.samods[right.0].completed.remove(&cmd)
        else {
            panic!("the listener's connection was not created");
        };
        self.links.push(Link {
            left: (left, left_conn),
            right: (right, right_conn),
            dialer: dialer_id,
        });
        Connected {
            left: left_conn,
            right: right_conn,
        }
    }

    /// Drops every connection between `a` and `b`, both sides told.
    pub fn disconnect(&mut self, a: SamodId, b: SamodId) {
        let (gone, kept): (Vec<Link>, Vec<Link>) = std::mem::take(&mut self.links)
            .into_iter()
            .partition(|l| (l.left.0 == a && l.right.0 == b) || (l.left.0 == b && l.right.0 == a));
        self.links = kept;
        for link in gone {
            let (left, left_conn) = link.left;
            let (right, right_conn) = link.right;
            self.samods[left.0]
                .hub_events
                .push_back(HubEvent::remove_dialer(link.dialer));
            self.samods[left.0]
                .hub_events
                .push_back(HubEvent::connection_lost(left_conn));
            self.samods[right.0]
                .hub_events
                .push_back(HubEvent::connection_lost(right_conn));
        }
        self.run_until_quiescent();
    }

    /// The other end of `conn` of samod `id`.
    fn peer_of(&self, id: SamodId, conn: ConnectionId) -> Option<(SamodId, ConnectionId)> {
        self.links.iter().find_map(|l| {
            if l.left == (id, conn) {
                Some(l.right)
            } else if l.right == (id, conn) {
                Some(l.left)
            } else {
                None
            }
        })
    }

    /// Does one round: every samod's local work, then one message per connection; whether
    /// anything happened. Returns the deliveries made, as (from, to).
    fn round(&mut self) -> (bool, Vec<(SamodId, SamodId)>) {
        let mut progressed = false;
        for s in &mut self.samods {
            while s.step() {
                progressed = true;
            }
        }
        let mut delivered = Vec::new();
        for i in 0..self.samods.len() {
            let from = SamodId(i);
            let outbox: Vec<_> = self.samods[i].outbox.drain(..).collect();
            for (conn, msg) in outbox {
                progressed = true;
                if let Some((to, to_conn)) = self.peer_of(from, conn) {
                    let cmd = HubEvent::receive(to_conn, msg);
                    self.samods[to.0].hub_events.push_back(cmd.event);
                    delivered.push((from, to));
                }
            }
            let disconnects: Vec<_> = self.samods[i].disconnects.drain(..).collect();
            for conn in disconnects {
                progressed = true;
                if let Some((to, to_conn)) = self.peer_of(from, conn) {
                    self.samods[to.0]
                        .hub_events
                        .push_back(HubEvent::connection_lost(to_conn));
                }
                self.links
                    .retain(|l| l.left != (from, conn) && l.right != (from, conn));
            }
        }
        (progressed, delivered)
    }

    fn step(&mut self) -> bool {
        self.round().0
    }

    /// Runs every samod and every connection until nothing is left to do.
    pub fn run_until_quiescent(&mut self) {
        while self.step() {}
    }

    /// Runs until a message from the samod with peer id `from` reaches the one with `to`.
    pub fn run_until_message_received_at(
        &mut self,
        from: PeerId,
        to: PeerId,
    ) -> Result<(), String> {
        let find = |n: &Network, p: &PeerId| {
            n.samods
                .iter()
                .position(|s| s.hub.peer_id() == *p)
                .map(SamodId)
        };
        let (Some(from), Some(to)) = (find(self, &from), find(self, &to)) else {
            return Err("no samod with that peer id".into());
        };
        loop {
            let (progressed, delivered) = self.round();
            if delivered.contains(&(from, to)) {
                return Ok(());
            }
            if !progressed {
                return Err("the network went quiet before that message arrived".into());
            }
        }
    }
}

/// One samod of a network, with the network to run.
pub struct SamodRef<'a> {
    network: &'a mut Network,
    id: SamodId,
}

impl SamodRef<'_> {
    fn me(&mut self) -> &mut Samod {
        &mut self.network.samods[self.id.0]
    }

    fn me_ref(&self) -> &Samod {
        &self.network.samods[self.id.0]
    }

    /// This samod's peer id.
    pub fn peer_id(&self) -> PeerId {
        self.me_ref().hub.peer_id()
    }

    /// This samod's storage id.
    pub fn storage_id(&self) -> StorageId {
        self.me_ref().hub.storage_id()
    }

    /// Everything in its storage.
    pub fn storage(&self) -> &HashMap<StorageKey, Vec<u8>> {
        &self.me_ref().storage
    }

    /// Holds storage tasks back until [`SamodRef::resume_storage`].
    pub fn pause_storage(&mut self) {
        self.me().storage_paused = true;
    }

    /// Lets held-back storage tasks run.
    pub fn resume_storage(&mut self) {
        self.me().storage_paused = false;
    }

    /// Replaces the share policy.
    pub fn set_share_policy(&mut self, policy: SharePolicy) {
        self.me().share_policy = policy;
    }

    /// Changes how `doc` is shared with `peer` from now on, and runs the network.
    pub fn update_share_policy(&mut self, doc: DocumentId, peer: PeerId, config: ShareConfig) {
        self.me()
            .hub_events
            .push_back(HubEvent::update_share_policy(doc, peer, config));
        self.network.run_until_quiescent();
    }

    /// Connection events so far.
    pub fn connection_events(&self) -> Vec<ConnectionEvent> {
        self.me_ref().connection_events.clone()
    }

    /// Forgets the connection events so far.
    pub fn clear_connection_events(&mut self) {
        self.me().connection_events.clear();
    }

    /// A new, empty document (created locally; the network does not run).
    pub fn create_document(&mut self) -> RunningDocIds {
        let cmd = self
            .me()
            .command(HubEvent::create_document(Automerge::new()));
        let me = self.me();
        me.run_local();
        match me.completed.remove(&cmd) {
            Some(CommandResult::CreateDocument {
                actor_id,
                document_id,
            }) => RunningDocIds {
                doc_id: document_id,
                actor_id,
            },
            other => panic!("create document failed: {other:?}"),
        }
    }

    /// Queues the creation of a document without running anything; see
    /// [`SamodRef::check_create_document_result`].
    pub fn start_create_document(&mut self) -> CommandId {
        self.me()
            .command(HubEvent::create_document(Automerge::new()))
    }

    /// The document a [`SamodRef::start_create_document`] made, once it is done.
    pub fn check_create_document_result(&mut self, command: CommandId) -> Option<RunningDocIds> {
        let me = self.me();
        me.run_local();
        match me.completed.remove(&command)? {
            CommandResult::CreateDocument {
                actor_id,
                document_id,
            } => Some(RunningDocIds {
                doc_id: document_id,
                actor_id,
            }),
            _ => None,
        }
    }

    /// Stops the hub: it finishes what it has (pending saves) and then runs nothing more.
    pub fn stop(&mut self) {
        let me = self.me();
        me.hub_events.push_back(HubEvent::stop());
        me.run_local();
    }

    /// Queues `event` for the hub.
    pub fn push_event(&mut self, event: HubEvent) {
        self.me().hub_events.push_back(event);
    }

    /// Handles every queued event, and what follows from them locally.
    pub fn handle_events(&mut self) {
        self.me().run_local();
    }

    /// Starts looking for `doc` (storage runs, the network does not); its actor.
    pub fn search_for_doc(&mut self, doc: &DocumentId) -> DocumentActorId {
        let cmd = self.me().command(HubEvent::search_for_doc(doc.clone()));
        loop {
            let me = self.me();
            if let Some(CommandResult::SearchForDoc { actor_id, .. }) = me.completed.remove(&cmd) {
                me.run_local();
                return actor_id;
            }
            if !me.step() {
                panic!("the search for {doc} did not start");
            }
        }
    }

    /// Looks for `doc`, running the network until the search ends: its actor if found.
    pub fn find_document(&mut self, doc: &DocumentId) -> Option<DocumentActorId> {
        let actor = self.search_for_doc(doc);
        self.network.run_until_quiescent();
        self.is_document_available(doc).then_some(actor)
    }

    /// The latest state of the search for `doc`.
    pub fn search_status(&self, doc: &DocumentId) -> Option<DocSearch> {
        self.me_ref().searches.get(doc).cloned()
    }

    /// Whether `doc` is loaded and ready here.
    pub fn is_document_available(&self, doc: &DocumentId) -> bool {
        let me = self.me_ref();
        let ready = me
            .actor_of(doc)
            .and_then(|id| me.actors.get(&id))
            .is_some_and(|a| a.is_document_ready());
        ready
            && me
                .searches
                .get(doc)
                .is_none_or(|s| matches!(s.phase(), DocSearchPhase::Ready))
    }

    /// How many document actors run here.
    pub fn actor_count(&self) -> usize {
        self.me_ref().actors.len()
    }

    /// `doc` as held here, if its actor runs.
    pub fn document(&self, doc: &DocumentId) -> Option<&Automerge> {
        let me = self.me_ref();
        let id = me.actor_of(doc)?;
        me.actors.get(&id).map(|a| a.document())
    }

    /// Every change of the connections' states for `doc` so far, oldest first.
    pub fn peer_state_changes(&self, doc: &DocumentId) -> &[HashMap<ConnectionId, PeerDocState>] {
        let me = self.me_ref();
        me.actor_of(doc)
            .and_then(|id| me.peer_state_changes.get(&id))
            .map_or(&[], Vec::as_slice)
    }

    /// Each connection's state for `doc`.
    pub fn peer_states(&self, doc: &DocumentId) -> HashMap<ConnectionId, PeerDocState> {
        let me = self.me_ref();
        me.actor_of(doc)
            .and_then(|id| me.actors.get(&id))
            .map(|a| a.peers())
            .unwrap_or_default()
    }

    /// Runs `f` on the document of `actor` as a local change (its storage runs, the network
    /// does not).
    pub fn with_document_by_actor<R>(
        &mut self,
        actor: DocumentActorId,
        f: impl FnOnce(&mut Automerge) -> R,
    ) -> Option<R> {
        let me = self.me();
        let result = me.actors.get_mut(&actor)?.with_document(now(), f).ok()?;
        let (value, effects) = (result.value, result.actor_result);
        me.handle_actor_result(actor, effects);
        me.run_local();
        Some(value)
    }

    /// [`SamodRef::with_document_by_actor`] for the actor of `doc`.
    pub fn with_document<R>(
        &mut self,
        doc: &DocumentId,
        f: impl FnOnce(&mut Automerge) -> R,
    ) -> Option<R> {
        let actor = self.me_ref().actor_of(doc)?;
        self.with_document_by_actor(actor, f)
    }

    /// Sends an ephemeral message on the document of `actor`.
    pub fn broadcast(&mut self, actor: DocumentActorId, msg: Vec<u8>) {
        let me = self.me();
        if let Some(a) = me.actors.get_mut(&actor) {
            let result = a.broadcast(now(), msg);
            me.handle_actor_result(actor, result);
        }
    }

    /// The ephemeral messages the document of `actor` received since the last call.
    pub fn pop_ephemera(&mut self, actor: DocumentActorId) -> Vec<Vec<u8>> {
        self.me().ephemera.remove(&actor).unwrap_or_default()
    }

    /// The change events of the document of `actor` since the last call.
    pub fn pop_doc_changed(&mut self, actor: DocumentActorId) -> Vec<DocumentChanged> {
        self.me().doc_changed.remove(&actor).unwrap_or_default()
    }

    /// Makes the connection of `dialer` (its transport is up), linked to nothing yet.
    pub fn create_dialer_connection(&mut self, dialer: DialerId) -> ConnectionId {
        let me = self.me();
        me.dial_requests.retain(|d| *d != dialer);
        let cmd = me.command(HubEvent::create_dialer_connection(dialer, None));
        me.run_local();
        match me.completed.remove(&cmd) {
            Some(CommandResult::CreateConnection { connection_id }) => connection_id,
            other => panic!("the dialer's connection was not created: {other:?}"),
        }
    }

    /// The transport of `dialer` could not be made.
    pub fn dial_failed(&mut self, dialer: DialerId, error: String) {
        let me = self.me();
        me.dial_requests.retain(|d| *d != dialer);
        me.hub_events
            .push_back(HubEvent::dial_failed(dialer, error, false));
        me.run_local();
    }

    /// Removes `dialer` (its connection, if any, closes).
    pub fn remove_dialer(&mut self, dialer: DialerId) {
        let me = self.me();
        me.hub_events.push_back(HubEvent::remove_dialer(dialer));
        me.run_local();
    }

    /// Adds a dialer whose dial requests nobody answers (a server that is still connecting).
    pub fn add_dialer(&mut self, config: DialerConfig) -> DialerId {
        let cmd = self.me().command(HubEvent::add_dialer(config));
        let me = self.me();
        me.run_local();
        match me.completed.remove(&cmd) {
            Some(CommandResult::AddDialer { dialer_id }) => dialer_id,
            other => panic!("the dialer was not added: {other:?}"),
        }
    }
}
