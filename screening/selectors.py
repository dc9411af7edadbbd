"""Reads with business meaning: what a user may see, comparisons between screenings and list versions, webhooks.

Visibility follows the site's access policy (screening.access): a user sees the screenings, exceptions and audit
entries of their scope, and the lists of their scope plus the public ones (scope ""). Anything else is not found.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Model, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from screening.access import access
from screening.choices import RELATION_IN_SENTENCE, RelationKind, Severity
from screening.engine.names import normalise
from screening.messages import message_text
from screening.models import (
    AuditEntry,
    Entity,
    Finding,
    ListVersion,
    Relation,
    Screening,
    ScreeningError,
    StandingException,
    SupplierList,
    WebhookDelivery,
    WebhookEndpoint,
)

OWNERSHIP_KINDS = (RelationKind.SUBSIDIARY_OF, RelationKind.AFFILIATE_OF)


def user_scope(user) -> str | None:
    """The scope whose objects the user sees, or None: then they see no screening and only public lists."""
    if user is None or not user.is_authenticated:
        return None
    return access().scope(user)


# -- screenings and findings


def screenings_for_user(*, user) -> QuerySet[Screening]:
    scope = user_scope(user)
    if scope is None:
        return Screening.objects.none()
    return Screening.objects.filter(scope=scope)


def screening_for_user_or_404(*, user, pk) -> Screening:
    return get_object_or_404(screenings_for_user(user=user).select_related("created_by", "subject_type"), pk=pk)


def findings_for_screening(*, screening: Screening) -> QuerySet[Finding]:
    """The screening's findings with what a page shows about each (entity, list, version, decisions)."""
    return screening.findings.select_related(
        "entity__version__supplier_list", "decided_by", "decided_by_exception__created_by", "carried_from"
    ).order_by("file_name", "sheet", "row", "field", "pk")


def findings_for_user(*, user) -> QuerySet[Finding]:
    scope = user_scope(user)
    if scope is None:
        return Finding.objects.none()
    return Finding.objects.filter(screening__scope=scope)


def screening_errors(*, screening: Screening) -> QuerySet[ScreeningError]:
    return screening.errors.order_by("file_name", "sheet", "row", "pk")


def screening_previous(*, screening: Screening) -> Screening | None:
    """The screening this one follows: the one it re-screens, else the last earlier one of the same subject."""
    if screening.previous_id:
        return screening.previous
    if not screening.subject_type_id or screening.subject_id is None:
        return None
    return (
        Screening.objects.filter(
            scope=screening.scope,
            subject_type_id=screening.subject_type_id,
            subject_id=screening.subject_id,
            created_at__lt=screening.created_at,
        )
        .exclude(pk=screening.pk)
        .order_by("-created_at", "-pk")
        .first()
    )


def screenings_of_subject(*, screening: Screening) -> QuerySet[Screening]:
    """Every screening of the same subject in the same scope (the screening itself included), newest first."""
    if not screening.subject_type_id or screening.subject_id is None:
        return Screening.objects.filter(pk=screening.pk)
    return Screening.objects.filter(
        scope=screening.scope, subject_type_id=screening.subject_type_id, subject_id=screening.subject_id
    ).order_by("-created_at", "-pk")


def subject_url(screening: Screening) -> str:
    """The subject's own page, when it has one and still exists."""
    subject = screening.subject
    if subject is None or not hasattr(subject, "get_absolute_url"):
        return ""
    try:
        return subject.get_absolute_url()
    except Exception:  # noqa: BLE001 - a host model's URL is the host's business; show the name without a link
        return ""


def ownership_chains(*, entities: Iterable[Entity]) -> dict[int, list[Entity]]:
    """Each entity's owners up to the group (first owner at each step, not divested), within its own version.

    One query for all of them: the pages show a chain per finding.
    """
    entities = [e for e in entities if e is not None]
    if not entities:
        return {}
    owners: dict[int, Entity] = {}
    relations = (
        Relation.objects.filter(
            version_id__in={e.version_id for e in entities}, kind__in=OWNERSHIP_KINDS, divested=False
        )
        .select_related("parent")
        .order_by("pk")
    )
    for relation in relations:
        owners.setdefault(relation.child_id, relation.parent)
    chains: dict[int, list[Entity]] = {}
    for entity in entities:
        chain, seen, current = [], {entity.pk}, entity.pk
        while current in owners and owners[current].pk not in seen and len(chain) < 25:
            parent = owners[current]
            chain.append(parent)
            seen.add(parent.pk)
            current = parent.pk
        chains[entity.pk] = chain
    return chains


def ownership_chain(*, entity: Entity) -> list[Entity]:
    return ownership_chains(entities=[entity])[entity.pk]


@dataclass
class FindingsChart:
    by_severity: list[tuple[str, str, int]]  # (value, label, count), most severe first
    top_vendors: list[tuple[str, int]]  # (entity name or party, count)


def findings_chart(*, screening: Screening, top: int = 8) -> FindingsChart:
    counts = dict(screening.findings.values_list("severity").annotate(n=Count("pk")).values_list("severity", "n"))
    by_severity = [(s.value, s.label, counts.get(s.value, 0)) for s in Severity]
    vendors: Counter[str] = Counter()
    rows = screening.findings.values_list("entity__name", "party").annotate(n=Count("pk"))
    for entity_name, party, n in rows:
        vendors[entity_name or gettext("%(party)s (not listed)") % {"party": party}] += n
    return FindingsChart(by_severity=by_severity, top_vendors=vendors.most_common(top))


# -- comparing two screenings


def finding_compare_key(finding: Finding) -> tuple:
    entity_name = finding.entity.name if finding.entity_id else ""
    return (finding.file_name, finding.sheet, finding.row, finding.field, finding.party, finding.rule, entity_name)


@dataclass
class ScreeningComparison:
    before: Screening
    after: Screening
    added: list[Finding] = field(default_factory=list)  # findings of `after` only
    removed: list[Finding] = field(default_factory=list)  # findings of `before` only
    kept: list[tuple[Finding, Finding]] = field(default_factory=list)  # (before, after)
    same_subject: bool = True

    @property
    def severity_changed(self) -> list[tuple[Finding, Finding]]:
        return [(b, a) for b, a in self.kept if b.severity != a.severity]

    @property
    def counts(self) -> list[tuple[str, int, int, int]]:
        """(severity, before, after, change) for each severity."""
        rows = []
        for severity in Severity:
            before, after = self.before.counts[severity.value], self.after.counts[severity.value]
            rows.append((severity.label, before, after, after - before))
        return rows


def screening_compare(*, before: Screening, after: Screening) -> ScreeningComparison:
    """What changed between two screenings: findings keyed by file, sheet, row, field, party, rule and entity."""
    if (after.created_at, after.pk) < (before.created_at, before.pk):
        before, after = after, before
    old = {finding_compare_key(f): f for f in findings_for_screening(screening=before)}
    new = {finding_compare_key(f): f for f in findings_for_screening(screening=after)}
    return ScreeningComparison(
        before=before,
        after=after,
        added=[f for key, f in new.items() if key not in old],
        removed=[f for key, f in old.items() if key not in new],
        kept=[(old[key], f) for key, f in new.items() if key in old],
        same_subject=(before.subject_type_id, before.subject_id) == (after.subject_type_id, after.subject_id),
    )


# -- lists, versions, entities


def lists_for_user(*, user) -> QuerySet[SupplierList]:
    """The public lists, and the private lists of the user's scope."""
    scope = user_scope(user)
    scopes = [""] if scope in (None, "") else ["", scope]
    return SupplierList.objects.filter(scope__in=scopes)


def supplier_list_for_user_or_404(*, user, pk) -> SupplierList:
    return get_object_or_404(lists_for_user(user=user), pk=pk)


def versions_for_user(*, user) -> QuerySet[ListVersion]:
    return ListVersion.objects.filter(supplier_list__in=lists_for_user(user=user)).select_related(
        "supplier_list", "imported_by"
    )


def version_for_user_or_404(*, user, pk) -> ListVersion:
    return get_object_or_404(versions_for_user(user=user), pk=pk)


def entities_for_user(*, user) -> QuerySet[Entity]:
    return Entity.objects.filter(version__supplier_list__in=lists_for_user(user=user)).select_related(
        "version__supplier_list"
    )


def entity_for_user_or_404(*, user, pk) -> Entity:
    return get_object_or_404(entities_for_user(user=user), pk=pk)


def entities_with_relations(*, version: ListVersion) -> QuerySet[Entity]:
    return version.entities.prefetch_related(
        Prefetch("parent_relations", queryset=Relation.objects.select_related("parent").order_by("parent__name")),
        Prefetch("child_relations", queryset=Relation.objects.select_related("child").order_by("child__name")),
    ).order_by("name")


@lru_cache(maxsize=64)
def _normalised_names(version_id: int) -> tuple[tuple[int, tuple[str, ...]], ...]:
    # A version never changes, so its normalised names can be kept for the life of the process.
    rows = Entity.objects.filter(version_id=version_id).values_list("pk", "name", "aliases")
    return tuple((pk, tuple(normalise(n) for n in [name, *(aliases or [])])) for pk, name, aliases in rows)


def entity_ids_matching(*, versions: Iterable[ListVersion], query: str) -> list[int]:
    """Entities whose name or any alias contains the query, as written or normalised ("Huawei Tech. Co Ltd")."""
    query = (query or "").strip()
    if not query:
        return []
    versions = list(versions)
    ids = set(
        Entity.objects.filter(version__in=versions)
        .filter(Q(name__icontains=query) | Q(aliases__icontains=query))
        .values_list("pk", flat=True)
    )
    key = normalise(query)
    if key:
        for version in versions:
            ids.update(pk for pk, names in _normalised_names(version.pk) if any(key in name for name in names))
    return sorted(ids)


def current_versions_for_user(*, user) -> list[ListVersion]:
    versions = []
    for supplier_list in lists_for_user(user=user).prefetch_related("versions"):
        newest = max(supplier_list.versions.all(), key=lambda v: v.number, default=None)
        if newest is not None:
            versions.append(newest)
    return versions


def entity_search(*, user, query: str, all_versions: bool = False) -> QuerySet[Entity]:
    """Entities of the lists the user sees (their current versions, unless all_versions) by name or alias."""
    versions = list(versions_for_user(user=user)) if all_versions else current_versions_for_user(user=user)
    ids = entity_ids_matching(versions=versions, query=query)
    return Entity.objects.filter(pk__in=ids).select_related("version__supplier_list").order_by("name", "version")


@dataclass
class EntityChange:
    name: str
    before: Entity
    after: Entity
    changes: list[tuple[str, str, str]]  # (what, before, after)


@dataclass(frozen=True)
class RelationDiff:
    """A relation between two entities, by name: `child` is `kind` `parent`. For a changed relation, the only
    thing that can change is the divested flag: `divested_before` holds the earlier one."""

    child: str
    kind: str
    parent: str
    divested: bool
    divested_before: bool | None = None

    @property
    def kind_label(self) -> str:
        return str(RELATION_IN_SENTENCE.get(self.kind, self.kind))


@dataclass
class VersionComparison:
    """What changed from one version of a list to another (entities matched by name), as plain data."""

    before: ListVersion
    after: ListVersion
    added: list[Entity] = field(default_factory=list)
    removed: list[Entity] = field(default_factory=list)
    changed: list[EntityChange] = field(default_factory=list)
    relations_added: list[RelationDiff] = field(default_factory=list)
    relations_removed: list[RelationDiff] = field(default_factory=list)
    relations_changed: list[RelationDiff] = field(default_factory=list)  # the divested flag, before and after

    @property
    def relation_count(self) -> int:
        return len(self.relations_added) + len(self.relations_removed) + len(self.relations_changed)


def _relations_by_child(version: ListVersion) -> dict[str, dict[tuple[str, str, str], bool]]:
    """{child name: {(child, kind, parent): divested}}"""
    found: dict[str, dict] = {}
    rows = version.relations.values_list("child__name", "kind", "parent__name", "divested")
    for child, kind, parent, divested in rows:
        found.setdefault(child, {})[(child, kind, parent)] = divested
    return found


def _relation_text(relations: dict) -> str:
    divested = " " + gettext("(divested)")
    return "; ".join(
        f"{RELATION_IN_SENTENCE.get(kind, kind)} {parent}{divested if relations[(child, kind, parent)] else ''}"
        for child, kind, parent in sorted(relations)
    )


# What a version comparison names, in the reader's language (labels of a table row, not headings).
_COMPARED_ATTRIBUTES = (
    ("country", _("country")), ("registration_number", _("registration number")), ("lei", _("LEI")),
    ("reason", _("reason")), ("source", _("source")),
)
_ALIASES_LABEL = _("aliases")
_PARENTS_LABEL = _("parents")


def version_compare(*, before: ListVersion, after: ListVersion) -> VersionComparison:
    """Added, removed and changed entities and relations between any two versions of one list, matched by entity
    name (the older version is always `before`). Raises ValueError for versions of two lists."""
    if before.supplier_list_id != after.supplier_list_id:
        raise ValueError("Only two versions of the same list can be compared.")
    if before.number > after.number:
        before, after = after, before
    old = {e.name: e for e in before.entities.all()}
    new = {e.name: e for e in after.entities.all()}
    old_relations, new_relations = _relations_by_child(before), _relations_by_child(after)
    comparison = VersionComparison(
        before=before,
        after=after,
        added=[new[name] for name in sorted(new.keys() - old.keys())],
        removed=[old[name] for name in sorted(old.keys() - new.keys())],
    )
    for name in sorted(old.keys() & new.keys()):
        a, b = old[name], new[name]
        changes = []
        if sorted(a.aliases or []) != sorted(b.aliases or []):
            changes.append((_ALIASES_LABEL, " | ".join(a.aliases or []), " | ".join(b.aliases or [])))
        for attribute, label in _COMPARED_ATTRIBUTES:
            if getattr(a, attribute) != getattr(b, attribute):
                changes.append((label, getattr(a, attribute), getattr(b, attribute)))
        parents_a, parents_b = old_relations.get(name, {}), new_relations.get(name, {})
        if parents_a != parents_b:
            changes.append((_PARENTS_LABEL, _relation_text(parents_a), _relation_text(parents_b)))
        if changes:
            comparison.changed.append(EntityChange(name=name, before=a, after=b, changes=changes))
    all_old = {key: divested for relations in old_relations.values() for key, divested in relations.items()}
    all_new = {key: divested for relations in new_relations.values() for key, divested in relations.items()}
    comparison.relations_added = [RelationDiff(*key, all_new[key]) for key in sorted(all_new.keys() - all_old.keys())]
    comparison.relations_removed = [
        RelationDiff(*key, all_old[key]) for key in sorted(all_old.keys() - all_new.keys())
    ]
    comparison.relations_changed = [
        RelationDiff(*key, all_new[key], divested_before=all_old[key])
        for key in sorted(all_old.keys() & all_new.keys())
        if all_old[key] != all_new[key]
    ]
    return comparison


# -- standing exceptions and the audit log


def exceptions_for_user(*, user) -> QuerySet[StandingException]:
    scope = user_scope(user)
    if scope is None:
        return StandingException.objects.none()
    return StandingException.objects.filter(scope=scope).select_related("created_by", "revoked_by", "source_finding")


def exception_for_user_or_404(*, user, pk) -> StandingException:
    return get_object_or_404(exceptions_for_user(user=user), pk=pk)


def audit_entries_for(
    *, scope: str, subjects: Iterable[Model] = (), screenings: Iterable[Screening] = ()
) -> QuerySet[AuditEntry]:
    """The scope's entries about any of the subjects (generic relation) or screenings, newest first."""
    condition = Q(pk__in=[])
    for subject in subjects:
        if subject is None:
            continue
        condition |= Q(subject_type=ContentType.objects.get_for_model(subject), subject_id=str(subject.pk))
    screening_ids = [s.pk for s in screenings]
    if screening_ids:
        condition |= Q(screening_id__in=screening_ids)
    return AuditEntry.objects.filter(condition, scope=scope).select_related("actor", "screening", "subject_type")


def screening_audit_entries(*, screening: Screening) -> QuerySet[AuditEntry]:
    """Entries for the screening and for its subject (a bid, say), even when the subject is gone."""
    condition = Q(screening_id=screening.pk) | Q(
        subject_type=ContentType.objects.get_for_model(Screening), subject_id=str(screening.pk)
    )
    if screening.subject_type_id and screening.subject_id is not None:
        condition |= Q(subject_type_id=screening.subject_type_id, subject_id=screening.subject_id)
    return AuditEntry.objects.filter(condition, scope=screening.scope).select_related("actor", "screening")


# -- matching one name (the API's match endpoint)


@dataclass
class NameCandidate:
    entity: Entity
    score: float
    confirmed: bool
    matched_name: str
    explanation: str
    chain: list[Entity]  # the entity's owners up to the top of its group


def name_candidates(*, user, name: str, lists: Iterable[SupplierList] | None = None, limit: int = 10):
    """The listed entities a company name may be, best first, with their ownership chains: the current versions
    of the given lists (or of every active list the user sees)."""
    from screening import conf
    from screening.services.matching import indexed_lists, list_versions_in_force, versions_key

    visible = lists_for_user(user=user)
    chosen = visible.filter(pk__in=[supplier_list.pk for supplier_list in lists]) if lists is not None else (
        visible.filter(is_active=True)
    )
    version_ids = versions_key(version.pk for version in list_versions_in_force(lists=chosen))
    if not version_ids or not (name or "").strip():
        return []
    _, index = indexed_lists(version_ids, conf.get("REVIEW_THRESHOLD"))
    matches = index.match(name)[:limit]
    entities = Entity.objects.select_related("version__supplier_list").in_bulk([int(m.entity.key) for m in matches])
    chains = ownership_chains(entities=entities.values())
    return [
        NameCandidate(
            entity=entities[int(m.entity.key)],
            score=m.score,
            confirmed=m.confirmed,
            matched_name=m.matched_name,
            explanation=message_text(m.explanation),  # in the asker's language
            chain=chains.get(int(m.entity.key), []),
        )
        for m in matches
        if int(m.entity.key) in entities
    ]
# -- webhooks: an API client sees only the endpoints it registered, and their deliveries


def webhooks_for_user(*, user) -> QuerySet[WebhookEndpoint]:
    if user is None or not user.is_authenticated:
        return WebhookEndpoint.objects.none()
    return WebhookEndpoint.objects.filter(owner=user)


def webhook_for_user_or_404(*, user, pk) -> WebhookEndpoint:
    return get_object_or_404(webhooks_for_user(user=user), pk=pk)


def deliveries_for_user(*, user) -> QuerySet[WebhookDelivery]:
    """Deliveries to the user's own endpoints, newest first."""
    if user is None or not user.is_authenticated:
        return WebhookDelivery.objects.none()
    return WebhookDelivery.objects.filter(endpoint__owner=user).select_related("endpoint")


def delivery_for_user_or_404(*, user, pk) -> WebhookDelivery:
    return get_object_or_404(deliveries_for_user(user=user), pk=pk)
