//! Who is asked to approve a factor reset: the approval route through the manager graph.
//!
//! A manager-approved reset is only as trustworthy as the person who approves it, and the direct manager is not
//! always there: they left (disabled), are away, or the user has none. The route walks up from the user: the
//! manager; if away, their delegate; otherwise the manager's manager, and so on up; when the chain yields nobody,
//! every eligible member of a configured role. Each person looked at becomes a [`Step`], asked or skipped with a
//! reason, so the request can show (and the audit log keep) why this approver and not another.
//!
//! Never asked, wherever they stand: the user themselves, whoever opened the request, anyone the user manages
//! (directly or further down — a report approving their own boss's reset), and, for an administrator's or helpdesk
//! agent's reset, anyone who is not an administrator. Manager cycles (stored by a race or an edit in the database)
//! end the walk at the first person seen twice, and no walk goes further than [`MAX_MANAGER_CHAIN`] steps.
//!
//! This is the pure part: a function of a snapshot of the graph ([`Graph`], loaded by `accounts::graph`) and of
//! `now` (an absence that has ended no longer counts), unit-tested here.
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::core::policy::recovery::RecoveryPath;

/// How far up a chain of managers anything walks. Deeper organisations are refused when a manager is set
/// (`accounts::set_manager`), so a walk that reaches it has met a chain stored some other way.
pub const MAX_MANAGER_CHAIN: usize = 64;

/// Someone in the graph, as far as routing cares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub id: String,
    pub manager_id: Option<String>,
    pub active: bool,
    pub roles: Vec<String>,
}

impl Node {
    fn has(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }

    fn is_privileged(&self) -> bool {
        self.has("admin") || self.has("helpdesk")
    }
}

/// An out-of-office record: while it is in force, approvals that would go to `user_id` go to `delegate_id`, or,
/// without an eligible delegate, further up the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Absence {
    pub user_id: String,
    pub delegate_id: Option<String>,
    /// The end of the absence; `None`: until it is cleared.
    pub until: Option<DateTime<Utc>>,
    /// The audit actor who set it (`user:<id>`, `cli:<os user>`, an API caller).
    pub set_by: String,
    pub created_at: DateTime<Utc>,
}

impl Absence {
    /// Whether the person is away at `now`: an absence counts until its `until`, and no longer.
    pub fn in_force(&self, now: DateTime<Utc>) -> bool {
        self.until.is_none_or(|until| now < until)
    }
}

/// A snapshot of the part of the manager graph a decision looks at: people by id, their absences, and the
/// members of the fallback role. Someone not in it counts as missing.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    nodes: HashMap<String, Node>,
    absences: HashMap<String, Absence>,
    role_members: Vec<String>,
}

impl Graph {
    pub fn add(&mut self, node: Node) {
        self.nodes.insert(node.id.clone(), node);
    }

    pub fn add_absence(&mut self, absence: Absence) {
        self.absences.insert(absence.user_id.clone(), absence);
    }

    /// The members of the fallback role, in the order the route should list them (their nodes are added
    /// separately); repeats dropped.
    pub fn set_role_members(&mut self, ids: Vec<String>) {
        self.role_members.clear();
        for id in ids {
            if !self.role_members.contains(&id) {
                self.role_members.push(id);
            }
        }
    }

    pub fn contains(&self, id: &str) -> bool {
        self.nodes.contains_key(id)
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.get(id)
    }

    /// `id`'s absence, if one is in force at `now`.
    pub fn away(&self, id: &str, now: DateTime<Utc>) -> Option<&Absence> {
        self.absences.get(id).filter(|a| a.in_force(now))
    }

    /// Whether `id` reports to `boss`, directly or through others. A cycle or a chain longer than
    /// [`MAX_MANAGER_CHAIN`] ends the walk (someone caught in a cycle with `boss` does report to them).
    pub fn reports_to(&self, id: &str, boss: &str) -> bool {
        let mut seen = HashSet::from([id]);
        let mut next = self.nodes.get(id).and_then(|n| n.manager_id.as_deref());
        for _ in 0..MAX_MANAGER_CHAIN {
            let Some(above) = next else {
                return false;
            };
            if above == boss {
                return true;
            }
            if !seen.insert(above) {
                return false;
            }
            next = self.nodes.get(above).and_then(|n| n.manager_id.as_deref());
        }
        false
    }
}

/// Where a person stood when the route looked at them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    /// The user's own manager.
    Manager,
    /// The delegate an away manager (or one further up) named.
    Delegate,
    /// The manager's manager, or someone further up.
    Chain,
    /// A member of the fallback role.
    Role,
}

impl Position {
    pub fn as_str(self) -> &'static str {
        match self {
            Position::Manager => "manager",
            Position::Delegate => "delegate",
            Position::Chain => "chain",
            Position::Role => "role",
        }
    }
}

/// Why a person was not asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Skip {
    /// The user has no manager.
    NoManager,
    /// The stored id names nobody (the account is gone).
    Missing,
    /// Disabled: departed.
    Disabled,
    /// Away (an absence in force).
    Absent,
    /// The user themselves.
    Subject,
    /// The person who opened the request.
    Requester,
    /// Managed by the user, directly or further down.
    ReportsToSubject,
    /// Not an administrator, and the user is one (or a helpdesk agent).
    AdminRequired,
    /// Seen before on this walk: the managers form a cycle.
    Cycle,
    /// Further up than [`MAX_MANAGER_CHAIN`].
    TooDeep,
}

impl Skip {
    /// Every reason, for the pages' words (a test checks each has them in every language).
    pub const ALL: [Skip; 10] = [
        Skip::NoManager,
        Skip::Missing,
        Skip::Disabled,
        Skip::Absent,
        Skip::Subject,
        Skip::Requester,
        Skip::ReportsToSubject,
        Skip::AdminRequired,
        Skip::Cycle,
        Skip::TooDeep,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Skip::NoManager => "no_manager",
            Skip::Missing => "missing",
            Skip::Disabled => "disabled",
            Skip::Absent => "absent",
            Skip::Subject => "subject",
            Skip::Requester => "requester",
            Skip::ReportsToSubject => "reports_to_subject",
            Skip::AdminRequired => "admin_required",
            Skip::Cycle => "cycle",
            Skip::TooDeep => "too_deep",
        }
    }
}

/// One person the route looked at: who (`None` only for "no manager"), where they stood, and — unless they were
/// asked — why not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub user: Option<String>,
    #[serde(rename = "as")]
    pub position: Position,
    /// For a delegate: whose delegate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegate_of: Option<String>,
    /// `None`: asked to approve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<Skip>,
}

impl Step {
    pub fn asked(&self) -> bool {
        self.skipped.is_none()
    }
}

/// The route of one request, fixed when it is opened: every step, and who was asked — one person, or the
/// eligible members of a role, or nobody (then only an administrator, with a reason, can decide).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRoute {
    pub steps: Vec<Step>,
    /// The one person asked: a manager, a delegate, or someone further up.
    pub approver_id: Option<String>,
    /// Or the role whose eligible members were asked.
    pub role: Option<String>,
}

impl ApprovalRoute {
    /// The ids of the people asked, in order.
    pub fn asked(&self) -> Vec<&str> {
        self.steps
            .iter()
            .filter(|s| s.asked())
            .filter_map(|s| s.user.as_deref())
            .collect()
    }

    /// Where the one person asked stood (`None` when a role or nobody was asked).
    pub fn position_of_approver(&self) -> Option<Position> {
        let id = self.approver_id.as_deref()?;
        self.steps
            .iter()
            .find(|s| s.asked() && s.user.as_deref() == Some(id))
            .map(|s| s.position)
    }
}

/// Who may never be asked for this request, whatever their place: the user, the requester, the user's reports
/// (at any depth), and non-admins for a privileged user; `None` when `candidate` is eligible.
struct Rules<'a> {
    graph: &'a Graph,
    subject: &'a str,
    requester: Option<&'a str>,
    admin_only: bool,
    now: DateTime<Utc>,
}

impl Rules<'_> {
    fn refusal(&self, candidate: &Node) -> Option<Skip> {
        if candidate.id == self.subject {
            Some(Skip::Subject)
        } else if !candidate.active {
            Some(Skip::Disabled)
        } else if self.requester == Some(candidate.id.as_str()) {
            Some(Skip::Requester)
        } else if self.graph.reports_to(&candidate.id, self.subject) {
            Some(Skip::ReportsToSubject)
        } else if self.admin_only && !candidate.has("admin") {
            Some(Skip::AdminRequired)
        } else {
            None
        }
    }

    /// Why `candidate` is not asked, counting an absence too.
    fn skip(&self, candidate: &Node) -> Option<Skip> {
        self.refusal(candidate).or_else(|| {
            self.graph
                .away(&candidate.id, self.now)
                .is_some()
                .then_some(Skip::Absent)
        })
    }
}

fn step(user: Option<&str>, position: Position, skipped: Option<Skip>) -> Step {
    Step {
        user: user.map(str::to_string),
        position,
        delegate_of: None,
        skipped,
    }
}

/// The route of a request for `subject` opened by `requester` (`None`: the user themselves), falling back to
/// the members of `role`, as the graph stands at `now`; only administrators are asked when the subject is an
/// admin or helpdesk agent (the built-in roles' `two-admins` path).
pub fn resolve(graph: &Graph, subject: &str, requester: Option<&str>, role: &str, now: DateTime<Utc>) -> ApprovalRoute {
    let path = if graph.node(subject).is_some_and(Node::is_privileged) {
        RecoveryPath::TwoAdmins
    } else {
        RecoveryPath::Approval
    };
    resolve_on(graph, subject, requester, role, path, now)
}

/// [`resolve`] for a request taking `path` (from the subject's recovery policy): on `two-admins`, only
/// administrators are asked, whatever the subject's roles are called.
pub fn resolve_on(
    graph: &Graph,
    subject: &str,
    requester: Option<&str>,
    role: &str,
    path: RecoveryPath,
    now: DateTime<Utc>,
) -> ApprovalRoute {
    let rules = Rules {
        graph,
        subject,
        requester,
        admin_only: path == RecoveryPath::TwoAdmins,
        now,
    };
    let mut route = ApprovalRoute::default();
    if let Some(asked) = walk_up(&rules, &mut route.steps) {
        route.approver_id = Some(asked);
        return route;
    }
    let mut anyone = false;
    for id in &graph.role_members {
        let skipped = match graph.node(id) {
            Some(member) => rules.skip(member),
            None => Some(Skip::Missing),
        };
        anyone |= skipped.is_none();
        route.steps.push(step(Some(id), Position::Role, skipped));
    }
    if anyone {
        route.role = Some(role.to_string());
    }
    route
}

/// The walk up from the subject's manager; the one person asked, if the chain yields someone.
fn walk_up(rules: &Rules<'_>, steps: &mut Vec<Step>) -> Option<String> {
    let graph = rules.graph;
    let mut seen: HashSet<&str> = HashSet::from([rules.subject]);
    let mut next = graph.node(rules.subject).and_then(|s| s.manager_id.as_deref());
    let mut position = Position::Manager;
    if next.is_none() {
        steps.push(step(None, position, Some(Skip::NoManager)));
        return None;
    }
    for _ in 0..MAX_MANAGER_CHAIN {
        let id = next?;
        if !seen.insert(id) {
            steps.push(step(Some(id), position, Some(Skip::Cycle)));
            return None;
        }
        let Some(node) = graph.node(id) else {
            steps.push(step(Some(id), position, Some(Skip::Missing)));
            return None;
        };
        let skipped = rules.skip(node);
        steps.push(step(Some(id), position, skipped));
        match skipped {
            None => return Some(id.to_string()),
            Some(Skip::Absent) => {
                if let Some(delegate) = graph.away(id, rules.now).and_then(|a| a.delegate_id.as_deref()) {
                    let skipped = match graph.node(delegate) {
                        Some(d) => rules.skip(d),
                        None => Some(Skip::Missing),
                    };
                    steps.push(Step {
                        delegate_of: Some(id.to_string()),
                        ..step(Some(delegate), Position::Delegate, skipped)
                    });
                    if skipped.is_none() {
                        return Some(delegate.to_string());
                    }
                }
            }
            Some(_) => {}
        }
        next = node.manager_id.as_deref();
        position = Position::Chain;
    }
    if let Some(id) = next {
        steps.push(step(Some(id), position, Some(Skip::TooDeep)));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn node(id: &str, manager: Option<&str>, roles: &[&str]) -> Node {
        Node {
            id: id.into(),
            manager_id: manager.map(str::to_string),
            active: true,
            roles: roles.iter().map(|r| r.to_string()).collect(),
        }
    }

    fn graph(nodes: Vec<Node>, admins: &[&str]) -> Graph {
        let mut g = Graph::default();
        for n in nodes {
            g.add(n);
        }
        g.set_role_members(admins.iter().map(|a| a.to_string()).collect());
        g
    }

    fn away(g: &mut Graph, id: &str, delegate: Option<&str>, until: Option<DateTime<Utc>>) {
        g.add_absence(Absence {
            user_id: id.into(),
            delegate_id: delegate.map(str::to_string),
            until,
            set_by: "cli:root".into(),
            created_at: Utc::now(),
        });
    }

    /// The steps as `who:as:outcome` (`-` for asked).
    fn trail(route: &ApprovalRoute) -> Vec<String> {
        route
            .steps
            .iter()
            .map(|s| {
                format!(
                    "{}:{}:{}",
                    s.user.as_deref().unwrap_or("-"),
                    s.position.as_str(),
                    s.skipped.map(Skip::as_str).unwrap_or("asked")
                )
            })
            .collect()
    }

    /// kim → mona → otto → (top); ada is an admin without a manager.
    fn org() -> Graph {
        graph(
            vec![
                node("kim", Some("mona"), &["user"]),
                node("mona", Some("otto"), &["user"]),
                node("otto", None, &["user"]),
                node("dana", Some("otto"), &["user"]),
                node("ada", None, &["admin"]),
            ],
            &["ada"],
        )
    }

    #[test]
    fn the_manager_is_asked_when_present() {
        let now = Utc::now();
        let route = resolve(&org(), "kim", None, "admin", now);
        assert_eq!(trail(&route), ["mona:manager:asked"]);
        assert_eq!(route.approver_id.as_deref(), Some("mona"));
        assert_eq!(route.position_of_approver(), Some(Position::Manager));
        assert_eq!(route.role, None);
    }

    #[test]
    fn an_away_or_departed_manager_passes_to_the_managers_manager() {
        let now = Utc::now();
        let mut g = org();
        away(&mut g, "mona", None, None);
        let route = resolve(&g, "kim", None, "admin", now);
        assert_eq!(trail(&route), ["mona:manager:absent", "otto:chain:asked"]);
        assert_eq!(route.position_of_approver(), Some(Position::Chain));

        let mut g = org();
        g.add(Node {
            active: false,
            ..node("mona", Some("otto"), &["user"])
        });
        let route = resolve(&g, "kim", None, "admin", now);
        assert_eq!(trail(&route), ["mona:manager:disabled", "otto:chain:asked"]);
    }

    #[test]
    fn an_ended_absence_no_longer_counts() {
        let now = Utc::now();
        let mut g = org();
        away(&mut g, "mona", Some("dana"), Some(now));
        assert_eq!(trail(&resolve(&g, "kim", None, "admin", now)), ["mona:manager:asked"]);
        assert_eq!(
            trail(&resolve(&g, "kim", None, "admin", now - Duration::seconds(1))),
            ["mona:manager:absent", "dana:delegate:asked"]
        );
    }

    #[test]
    fn a_delegate_is_asked_unless_ineligible() {
        let now = Utc::now();
        let mut g = org();
        away(&mut g, "mona", Some("dana"), None);
        let route = resolve(&g, "kim", None, "admin", now);
        assert_eq!(trail(&route), ["mona:manager:absent", "dana:delegate:asked"]);
        assert_eq!(route.steps[1].delegate_of.as_deref(), Some("mona"));
        assert_eq!(route.position_of_approver(), Some(Position::Delegate));

        // The delegate away too, or the one who opened the request: up the chain instead.
        let mut g2 = g.clone();
        away(&mut g2, "dana", Some("kim"), None);
        assert_eq!(
            trail(&resolve(&g2, "kim", None, "admin", now)),
            ["mona:manager:absent", "dana:delegate:absent", "otto:chain:asked"]
        );
        assert_eq!(
            trail(&resolve(&g, "kim", Some("dana"), "admin", now)),
            ["mona:manager:absent", "dana:delegate:requester", "otto:chain:asked"]
        );
        // A delegate who is the subject, or reports to them, or is gone.
        let mut g3 = g.clone();
        away(&mut g3, "mona", Some("kim"), None);
        assert_eq!(
            trail(&resolve(&g3, "kim", None, "admin", now)),
            ["mona:manager:absent", "kim:delegate:subject", "otto:chain:asked"]
        );
        g3.add(node("rob", Some("kim"), &["user"]));
        away(&mut g3, "mona", Some("rob"), None);
        assert_eq!(
            trail(&resolve(&g3, "kim", None, "admin", now)),
            [
                "mona:manager:absent",
                "rob:delegate:reports_to_subject",
                "otto:chain:asked"
            ]
        );
        away(&mut g3, "mona", Some("gone"), None);
        assert_eq!(
            trail(&resolve(&g3, "kim", None, "admin", now)),
            ["mona:manager:absent", "gone:delegate:missing", "otto:chain:asked"]
        );
    }

    #[test]
    fn no_one_in_the_chain_means_the_role() {
        let now = Utc::now();
        let mut g = org();
        g.add(node("abe", None, &["admin"]));
        g.set_role_members(vec!["abe".into(), "ada".into(), "abe".into()]);
        let route = resolve(&g, "otto", None, "admin", now);
        assert_eq!(
            trail(&route),
            ["-:manager:no_manager", "abe:role:asked", "ada:role:asked"]
        );
        assert_eq!(route.role.as_deref(), Some("admin"));
        assert_eq!(route.approver_id, None);
        assert_eq!(route.asked(), ["abe", "ada"]);

        // A manager id that names nobody, an away manager without a delegate at the top.
        g.add(node("kim", Some("ghost"), &["user"]));
        assert_eq!(
            trail(&resolve(&g, "kim", None, "admin", now))[0],
            "ghost:manager:missing"
        );
        away(&mut g, "otto", None, None);
        away(&mut g, "abe", None, None);
        let route = resolve(&g, "mona", None, "admin", now);
        assert_eq!(
            trail(&route),
            ["otto:manager:absent", "abe:role:absent", "ada:role:asked"]
        );
    }

    #[test]
    fn nobody_eligible_in_the_role_means_nobody() {
        let now = Utc::now();
        let g = graph(vec![node("ada", None, &["admin"])], &["ada"]);
        let route = resolve(&g, "ada", None, "admin", now);
        assert_eq!(trail(&route), ["-:manager:no_manager", "ada:role:subject"]);
        assert_eq!((route.approver_id, route.role), (None, None));
    }

    #[test]
    fn a_cycle_ends_and_never_reaches_a_report_of_the_subject() {
        let now = Utc::now();
        // kim → mona → rob → kim: rob reports to kim (through mona's chain back to kim), so is never asked;
        // neither is an admin who reports to kim.
        let g = graph(
            vec![
                node("kim", Some("mona"), &["user"]),
                node("mona", Some("rob"), &["user"]),
                node("rob", Some("kim"), &["admin"]),
                node("eve", Some("rob"), &["admin"]),
            ],
            &["eve", "rob"],
        );
        let route = resolve(&g, "kim", None, "admin", now);
        assert_eq!(
            trail(&route),
            [
                "mona:manager:reports_to_subject",
                "rob:chain:reports_to_subject",
                "kim:chain:cycle",
                "eve:role:reports_to_subject",
                "rob:role:reports_to_subject",
            ]
        );
        assert_eq!((route.approver_id, route.role), (None, None));
        // A cycle above the subject that does not include them ends too.
        let g = graph(
            vec![
                node("kim", Some("a"), &["user"]),
                node("a", Some("b"), &["user"]),
                node("b", Some("a"), &["user"]),
            ],
            &[],
        );
        let mut g2 = g.clone();
        away(&mut g2, "a", None, None);
        away(&mut g2, "b", None, None);
        assert_eq!(
            trail(&resolve(&g2, "kim", None, "admin", now)),
            ["a:manager:absent", "b:chain:absent", "a:chain:cycle"]
        );
        assert!(!g.reports_to("a", "kim") && g.reports_to("a", "b") && g.reports_to("b", "a"));
    }

    #[test]
    fn a_chain_longer_than_the_bound_stops() {
        let now = Utc::now();
        let mut g = Graph::default();
        g.add(node("u", Some("m0"), &["user"]));
        for i in 0..100 {
            g.add(node(&format!("m{i}"), Some(&format!("m{}", i + 1)), &["user"]));
            away(&mut g, &format!("m{i}"), None, None);
        }
        let route = resolve(&g, "u", None, "admin", now);
        assert_eq!(route.steps.len(), MAX_MANAGER_CHAIN + 1);
        assert_eq!(route.steps.last().and_then(|s| s.skipped), Some(Skip::TooDeep));
    }

    #[test]
    fn privileged_users_need_admin_approvers_and_requesters_are_skipped() {
        let now = Utc::now();
        let g = graph(
            vec![
                node("hd", Some("mona"), &["helpdesk"]),
                node("mona", Some("boss"), &["user"]),
                node("boss", None, &["admin"]),
                node("ada", None, &["admin"]),
            ],
            &["ada", "boss"],
        );
        assert_eq!(
            trail(&resolve(&g, "hd", None, "admin", now)),
            ["mona:manager:admin_required", "boss:chain:asked"]
        );
        // The admin who opened it is skipped, in the chain and in the role.
        assert_eq!(
            trail(&resolve(&g, "hd", Some("boss"), "admin", now)),
            [
                "mona:manager:admin_required",
                "boss:chain:requester",
                "ada:role:asked",
                "boss:role:requester"
            ]
        );
    }

    #[test]
    fn the_route_reads_back_as_stored() {
        let mut g = org();
        away(&mut g, "mona", Some("dana"), None);
        let route = resolve(&g, "kim", None, "admin", Utc::now());
        let text = serde_json::to_string(&route).unwrap();
        assert!(text.contains(r#""as":"delegate","delegate_of":"mona""#), "{text}");
        assert_eq!(serde_json::from_str::<ApprovalRoute>(&text).unwrap(), route);
    }
}
