"""A provisioning session as an HR system or directory runs it, driven by scim2-client (python-scim), a SCIM client
we did not write: it provisions a small organisation over /scim/v2 and then lives through a year of its changes,
reading back over SCIM after every step what a connector would rely on.

- 20 people with the Enterprise extension (employeeNumber, department, manager) in three levels: a CEO, three
  directors, their reports. One team arrives before its director and names them by externalId (Workday and Entra
  ID sync in no particular order): the manager is linked when the director arrives.
- 4 groups; three of them are mapped to roles by the Rust test before this runs (Engineering to a role of its own,
  IT Helpdesk to helpdesk and Platform Admins to admin, both with --allow-admin).
- Moves (manager and department: one by PATCH in Entra ID's shape, one by PUT of the whole resource), group
  membership changes, renames (userName, displayName, a group's displayName in Okta's shape), deactivations (PATCH
  `active` in Entra ID's shape, `"op": "Replace", "value": "False"`, and in Okta's, `"value": {"active": false}`),
  deletion of a person and of a group.

The Entra ID and Okta bodies are sent as those systems send them (their SCIM documentation), unchecked by the
client, since they depart from RFC 7644 (capitalised `op`, a boolean as a string, a manager as a bare id).

Usage: scim_org.py BASE_URL [TOKEN] (or GATEHOUSE_SCIM_TOKEN). Prints each step, then one JSON line: the counts and
the final state it expects Gatehouse to hold (managers, roles the groups grant, active, deleted), which the Rust
test checks in the database. Exits 1 at the first thing read back that is not what was provisioned.
"""
import json
import os
import sys

import httpx2
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_models import EnterpriseUser
from scim2_models import Group
from scim2_models import GroupMember
from scim2_models import ListResponse
from scim2_models import Manager
from scim2_models import Name
from scim2_models import ResourceType
from scim2_models import ScimProvider
from scim2_models import SearchRequest
from scim2_models import User

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
DOMAIN = "acme.example"
Employee = User[EnterpriseUser]

CEO = "barbara.liskov"
DIRECTORS = {"Engineering": "edsger.dijkstra", "Sales": "mary.kenneth", "Operations": "frances.allen"}
TEAMS = {
    "Engineering": ["ada.lovelace", "alan.turing", "grace.hopper", "linus.torvalds", "margaret.hamilton",
                    "ken.thompson"],
    "Sales": ["katherine.johnson", "annie.easley", "dorothy.vaughan", "hedy.lamarr", "joan.clarke"],
    "Operations": ["radia.perlman", "sophie.wilson", "jean.sammet", "adele.goldberg", "karen.jones"],
}
# The groups and who is in them at first. The Rust test maps three of them to roles before this runs.
GROUPS = {
    "Engineering": [DIRECTORS["Engineering"], *TEAMS["Engineering"]],
    "Sales": [DIRECTORS["Sales"], *TEAMS["Sales"]],
    "IT Helpdesk": ["radia.perlman", "sophie.wilson", "jean.sammet"],
    "Platform Admins": ["ada.lovelace", "alan.turing"],
}
ROLE_OF_GROUP = {"Engineering": "engineering", "IT Helpdesk": "helpdesk", "Platform Admins": "admin"}


class Mismatch(Exception):
    pass


class Session:
    def __init__(self, client):
        self.client = client
        self.checks = 0
        self.ids = {}  # person -> SCIM id
        self.group_ids = {}  # group name -> SCIM id
        self.people = {}  # person -> what Gatehouse should hold: userName, department, manager, active
        self.members = {name: set(people) for name, people in GROUPS.items()}
        self.deleted_people = []
        self.deleted_groups = []
        self.ever_roles = {}  # person -> every role a group granted them at some point

    def group_roles(self, person):
        return {ROLE_OF_GROUP[name] for name, people in self.members.items()
                if person in people and name in ROLE_OF_GROUP}

    def note_roles(self):
        for person in self.people:
            self.ever_roles.setdefault(person, set()).update(self.group_roles(person))

    def expect(self, condition, what):
        self.checks += 1
        if not condition:
            raise Mismatch(what)

    def step(self, text):
        print(f"== {text}", flush=True)

    # Reads.
    def user(self, person):
        return self.client.query(Employee, self.ids[person])

    def find_users(self, filter_text):
        found = self.client.query(Employee, query_parameters=SearchRequest(filter=filter_text))
        self.expect(isinstance(found, ListResponse), f"{filter_text}: a ListResponse")
        return found.resources or []

    def group(self, name):
        return self.client.query(Group, self.group_ids[name])

    # Writes in the shapes the big directories use, sent as they are.
    def patch(self, model, resource_id, operations):
        return self.client.modify(
            model, resource_id, {"schemas": [PATCH], "Operations": operations}, check_request_payload=False
        )

    def create_person(self, person, number, department, manager_value, user_name=None):
        resource = Employee(
            # Sent as the directory has it (mixed case for some); Gatehouse keeps it in lower case.
            user_name=user_name or f"{person}@{DOMAIN}",
            external_id=f"hr-{number:04d}",
            name=Name(given_name=person.split(".")[0].title(), family_name=person.split(".")[1].title()),
            display_name=person.replace(".", " ").title(),
            active=True,
        )
        resource[EnterpriseUser] = EnterpriseUser(
            employee_number=f"E{number:04d}",
            department=department,
            manager=Manager(value=manager_value) if manager_value else None,
        )
        created = self.client.create(resource)
        self.ids[person] = created.id
        self.people[person] = {
            "user_name": f"{person}@{DOMAIN}",
            "external_id": f"hr-{number:04d}",
            "department": department,
            "manager": None,
            "active": True,
        }
        return created

    # What must be read back.
    def check_person(self, person):
        want = self.people[person]
        got = self.user(person)
        extension = got[EnterpriseUser]
        self.expect(got.user_name == want["user_name"], f"{person}: userName {got.user_name} != {want['user_name']}")
        self.expect(got.active == want["active"], f"{person}: active {got.active} != {want['active']}")
        self.expect(extension.department == want["department"],
                    f"{person}: department {extension.department} != {want['department']}")
        manager = extension.manager.value if extension.manager else None
        wanted_manager = self.ids[want["manager"]] if want["manager"] else None
        self.expect(manager == wanted_manager, f"{person}: manager.value {manager} != {wanted_manager} "
                    f"({want['manager']})")
        groups = sorted(g.value for g in got.groups or [])
        wanted_groups = sorted(self.group_ids[name] for name, people in self.members.items()
                               if person in people and name in self.group_ids)
        self.expect(groups == wanted_groups, f"{person}: groups {groups} != {wanted_groups}")
        by_name = self.find_users(f'userName eq "{want["user_name"]}"')
        self.expect([u.id for u in by_name] == [got.id], f"{person}: userName filter found {[u.id for u in by_name]}")
        by_external = self.find_users(f'externalId eq "{want["external_id"]}"')
        self.expect([u.id for u in by_external] == [got.id], f"{person}: externalId filter found "
                    f"{[u.id for u in by_external]}")

    def check_everyone(self):
        for person in self.people:
            self.check_person(person)
        for name in self.group_ids:
            got = self.group(name)
            members = sorted(m.value for m in got.members or [])
            self.expect(members == sorted(self.ids[p] for p in self.members[name]),
                        f"group {name}: members differ")
            self.expect(got.display_name == self.group_names[name], f"group {name}: displayName {got.display_name}")

    def run(self):
        self.group_names = {name: name for name in GROUPS}
        number = 1
        self.step("provision the CEO and two directors with their teams")
        self.create_person(CEO, number, "Executive", None)
        for department in ("Engineering", "Sales"):
            number += 1
            self.create_person(DIRECTORS[department], number, department, self.ids[CEO])
            self.people[DIRECTORS[department]]["manager"] = CEO
            for person in TEAMS[department]:
                number += 1
                mixed = f"{person.title()}@{DOMAIN.upper()}" if person == TEAMS["Sales"][0] else None
                created = self.create_person(person, number, department, self.ids[DIRECTORS[department]], mixed)
                self.expect(created.user_name == f"{person}@{DOMAIN}", f"{person}: userName {created.user_name}")
                self.people[person]["manager"] = DIRECTORS[department]

        self.step("Operations arrives before its director, naming them by externalId")
        director_number = number + 1 + len(TEAMS["Operations"])
        for person in TEAMS["Operations"]:
            number += 1
            created = self.create_person(person, number, "Operations", f"hr-{director_number:04d}")
            self.people[person]["manager"] = DIRECTORS["Operations"]
            waiting = created[EnterpriseUser].manager
            self.expect(waiting is not None and waiting.value == f"hr-{director_number:04d}",
                        f"{person}: the manager not yet provisioned is shown as sent")
        self.create_person(DIRECTORS["Operations"], director_number, "Operations", self.ids[CEO])
        self.people[DIRECTORS["Operations"]]["manager"] = CEO
        self.expect(len(self.people) == 20, "20 people provisioned")

        self.step("a userName sent in mixed case was kept in lower case, and is found in any case")
        found = self.find_users(f'userName eq "{TEAMS["Sales"][0].title()}@{DOMAIN.upper()}"')
        self.expect([u.id for u in found] == [self.ids[TEAMS["Sales"][0]]], "case-insensitive userName filter")

        self.step("create the groups")
        for name, people in GROUPS.items():
            created = self.client.create(Group(
                display_name=name, external_id=f"grp-{name.lower().replace(' ', '-')}",
                members=[GroupMember(value=self.ids[p], type="User") for p in people],
            ))
            self.group_ids[name] = created.id
        self.note_roles()
        self.check_everyone()

        self.step("move linus.torvalds to Sales (PATCH in Entra ID's shape: manager as a bare id)")
        mover = "linus.torvalds"
        self.patch(Employee, self.ids[mover], [
            {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": self.ids[DIRECTORS["Sales"]]},
            {"op": "Replace", "path": f"{ENTERPRISE}:department", "value": "Sales"},
        ])
        self.patch(Group, self.group_ids["Engineering"], [
            {"op": "Remove", "path": f'members[value eq "{self.ids[mover]}"]'},
        ])
        self.patch(Group, self.group_ids["Sales"], [
            {"op": "Add", "path": "members", "value": [{"value": self.ids[mover]}]},
        ])
        self.people[mover].update(department="Sales", manager=DIRECTORS["Sales"])
        self.members["Engineering"].discard(mover)
        self.members["Sales"].add(mover)
        self.check_person(mover)

        self.step("move margaret.hamilton to Operations (PUT of the whole resource, as read)")
        mover = "margaret.hamilton"
        current = self.user(mover)
        current[EnterpriseUser].department = "Operations"
        current[EnterpriseUser].manager = Manager(value=self.ids[DIRECTORS["Operations"]])
        self.client.replace(current)
        self.people[mover].update(department="Operations", manager=DIRECTORS["Operations"])
        self.check_person(mover)

        self.step("Platform Admins: grace.hopper joins, alan.turing leaves (RFC 7644 PATCH)")
        self.patch(Group, self.group_ids["Platform Admins"], [
            {"op": "add", "path": "members", "value": [{"value": self.ids["grace.hopper"]}]},
            {"op": "remove", "path": f'members[value eq "{self.ids["alan.turing"]}"]'},
        ])
        self.members["Platform Admins"] = {"ada.lovelace", "grace.hopper"}
        self.note_roles()
        for person in ("grace.hopper", "alan.turing"):
            self.check_person(person)

        self.step("rename katherine.johnson (userName in Entra ID's shape, displayName per RFC 7644)")
        renamed = "katherine.johnson"
        old_name = self.people[renamed]["user_name"]
        new_name = f"katherine.goble@{DOMAIN}"
        self.patch(Employee, self.ids[renamed], [
            {"op": "Replace", "path": "userName", "value": new_name},
            {"op": "replace", "path": "displayName", "value": "Katherine Goble"},
        ])
        self.people[renamed]["user_name"] = new_name
        self.check_person(renamed)
        self.expect(self.user(renamed).display_name == "Katherine Goble", "displayName renamed")
        self.expect(self.find_users(f'userName eq "{old_name}"') == [], "the old userName finds nobody")

        self.step("rename the group Sales in Okta's shape (a value without a path)")
        self.patch(Group, self.group_ids["Sales"], [
            {"op": "replace", "value": {"id": self.group_ids["Sales"], "displayName": "Sales EMEA"}},
        ])
        self.group_names["Sales"] = "Sales EMEA"
        displays = {g.value: g.display for g in self.user("annie.easley").groups or []}
        self.expect(displays.get(self.group_ids["Sales"]) == "Sales EMEA", f"user's groups show the new name: {displays}")

        self.step("deactivate hedy.lamarr (Entra ID: Replace active \"False\") and joan.clarke (Okta: value {active})")
        self.patch(Employee, self.ids["hedy.lamarr"], [{"op": "Replace", "path": "active", "value": "False"}])
        self.patch(Employee, self.ids["joan.clarke"], [{"op": "replace", "value": {"active": False}}])
        for person in ("hedy.lamarr", "joan.clarke"):
            self.people[person]["active"] = False
            self.check_person(person)
        inactive = sorted(u.id for u in self.find_users("active eq false"))
        self.expect(inactive == sorted([self.ids["hedy.lamarr"], self.ids["joan.clarke"]]),
                    f"active eq false finds the two deactivated: {inactive}")

        self.step("delete dorothy.vaughan and the group IT Helpdesk")
        gone = "dorothy.vaughan"
        self.client.delete(Employee, self.ids[gone])
        missing = self.client.query(Employee, self.ids[gone], raise_scim_errors=False)
        self.expect(getattr(missing, "status", None) == 404, f"{gone}: 404 after delete, got {missing!r}")
        self.expect(self.find_users(f'userName eq "{self.people[gone]["user_name"]}"') == [],
                    f"{gone}: the userName filter finds nobody")
        self.expect(self.find_users(f'externalId eq "{self.people[gone]["external_id"]}"') == [],
                    f"{gone}: the externalId filter finds nobody")
        self.deleted_people.append(gone)
        del self.people[gone]
        for people in self.members.values():
            people.discard(gone)
        self.client.delete(Group, self.group_ids["IT Helpdesk"])
        missing = self.client.query(Group, self.group_ids["IT Helpdesk"], raise_scim_errors=False)
        self.expect(getattr(missing, "status", None) == 404, f"IT Helpdesk: 404 after delete, got {missing!r}")
        self.deleted_groups.append("IT Helpdesk")
        del self.group_ids["IT Helpdesk"]
        del self.members["IT Helpdesk"]

        self.step("annie.easley leaves Sales EMEA, which the deleted dorothy.vaughan was in (Okta's remove)")
        self.patch(Group, self.group_ids["Sales"], [
            {"op": "remove", "path": f'members[value eq "{self.ids["annie.easley"]}"]'},
        ])
        self.members["Sales"].discard("annie.easley")
        self.check_person("annie.easley")

        self.step("read everything back")
        self.check_everyone()
        listed = self.client.query(Employee)
        self.expect(listed.total_results == 19, f"19 people listed, got {listed.total_results}")

    def summary(self):
        return {
            "users_created": len(self.people) + len(self.deleted_people),
            "groups_created": len(GROUPS),
            "checks": self.checks,
            "deleted_people": [f"{p}@{DOMAIN}" for p in self.deleted_people],
            "deleted_groups": self.deleted_groups,
            # The final state, by username: what the database must hold.
            "expected": {
                want["user_name"]: {
                    "manager": self.people[want["manager"]]["user_name"] if want["manager"] else None,
                    "department": want["department"],
                    "active": want["active"],
                    "group_roles": sorted(self.group_roles(person)),
                }
                for person, want in self.people.items()
            },
            # Who lost a role a group had granted them: they left the group, or it was deleted.
            "lost_roles": {
                self.people[person]["user_name"]: sorted(roles - self.group_roles(person))
                for person, roles in sorted(self.ever_roles.items())
                if person in self.people and roles - self.group_roles(person)
            },
        }


def main():
    base = sys.argv[1].rstrip("/")
    token = sys.argv[2] if len(sys.argv) > 2 else os.environ["GATEHOUSE_SCIM_TOKEN"]
    http = httpx2.Client(base_url=f"{base}/scim/v2/", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    # A connector knows the schemas it sends (Entra ID and Okta have them built in); the service's capabilities
    # (ETags among them, so writes carry If-Match) come from its ServiceProviderConfig.
    provider = ScimProvider(
        models=[User, EnterpriseUser, Group],
        resource_types=[ResourceType.from_resource(Employee), ResourceType.from_resource(Group)],
    )
    client = SyncSCIMClient(http, provider=provider)
    client.discover(schemas=False, resource_types=False)
    session = Session(client)
    try:
        session.run()
    except Mismatch as mismatch:
        print(f"MISMATCH: {mismatch}", flush=True)
        print(json.dumps({"error": str(mismatch), "checks": session.checks}))
        sys.exit(1)
    print(json.dumps(session.summary()))


if __name__ == "__main__":
    main()
