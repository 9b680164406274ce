"""Who takes part in the conflict (Actor, with its Aliases), who said what (Statement), and the names editors
turned down as actors (RejectedName).

Actors live in time: an actor has the dates it existed or held its role (valid_from / valid_to) and the actor
that took over from it (successor: Nusra Front -> HTS -> the transitional army). An alias may hold only between two
dates, so a generic name ("government forces") means Assad's army in an article of 2024 and the transitional
authorities' forces in one of 2025 (the matcher chooses by the article's date). A slug an actor had before
(FormerSlug) keeps its old links working."""

from __future__ import annotations

import hashlib
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from actors.names import normalize_name

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #1f77b4.")


class ActorKind(models.TextChoices):
    STATE = "state", "State"
    STATE_FORCES = "state_forces", "State forces"
    GOVERNMENT_BODY = "government_body", "Government body"
    REBEL_GROUP = "rebel_group", "Rebel group"
    JIHADIST_GROUP = "jihadist_group", "Jihadist group"
    MILITIA = "militia", "Militia"
    PERSON = "person", "Person"
    INTERNATIONAL_ORG = "international_org", "International organisation"
    NGO = "ngo", "NGO / monitor"
    MEDIA = "media", "Media"
    CIVILIANS = "civilians", "Civilians"
    OTHER = "other", "Other"


class ActorStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    # Extraction met a name that looks like an actor but is not in the gazetteer: an editor approves or discards it.
    PROPOSED = "proposed", "Proposed by extraction"


class Actor(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=ActorKind.choices, default=ActorKind.OTHER)
    status = models.CharField(max_length=16, choices=ActorStatus.choices, default=ActorStatus.ACTIVE)
    # A person or unit belongs to a state or group (Putin -> Russia): filters on an actor include its members.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    country = models.CharField(max_length=100, blank=True)
    color = models.CharField("map colour", max_length=7, blank=True, validators=[hex_colour])
    description = models.TextField(blank=True)
    # [{"by": "United States", "as": "Foreign Terrorist Organization", "since": "2018-05-31"}, ...]
    designations = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="Where the facts about this actor come from.")
    # Inclusive dates; empty means "before our record" / "still". Shown on the actor page, not used by the matcher
    # (which reads the aliases' own dates): HTS stays HTS in a 2025 article that looks back.
    valid_from = models.DateField(null=True, blank=True, help_text="First day it existed or held this role.")
    valid_to = models.DateField(null=True, blank=True, help_text="Last day it existed or held this role.")
    # Who took over: a renamed group, the army a faction dissolved into, the authorities after a government fell.
    successor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="predecessors",
        help_text="The actor that took over when this one ended (renamed, dissolved into, replaced by).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [
            # The editors' queue of proposed actors: WHERE status = 'proposed' ORDER BY created_at.
            models.Index(fields=["status", "created_at"], name="actor_status_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_from__lte=F("valid_to")),
                name="actor_valid_period",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("actors:detail", args=[self.slug])


class NormalizedName(models.Model):
    """A name with its key: normalize_name(name), which the matcher and the unique constraints use, so "Erdoğan"
    and "Erdogan" are one."""

    name = models.CharField(max_length=200)
    normalized = models.CharField(max_length=200, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.normalized = normalize_name(self.name)
        super().save(*args, **kwargs)


class Alias(NormalizedName):
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    language = models.CharField(max_length=10, default="en")
    # Inclusive dates between which the name means this actor; empty = always. "Syrian government" is Assad's
    # until 2024-12-08 and the transitional government's from 2024-12-09: two aliases of one name.
    valid_from = models.DateField(null=True, blank=True, help_text="First day the name means this actor.")
    valid_to = models.DateField(null=True, blank=True, help_text="Last day the name means this actor.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "aliases"
        constraints = [
            # A name resolves to exactly one actor on any date. The database holds what it can say portably: one
            # open-ended period at each end per name, one period per start date, and from <= to; clean() and the
            # gazetteer load refuse overlaps between closed periods.
            models.UniqueConstraint(
                fields=["normalized"], condition=Q(valid_from__isnull=True), name="alias_normalized_open_start_unique"
            ),
            models.UniqueConstraint(
                fields=["normalized"], condition=Q(valid_to__isnull=True), name="alias_normalized_open_end_unique"
            ),
            models.UniqueConstraint(fields=["normalized", "valid_from"], name="alias_normalized_from_unique"),
            models.CheckConstraint(condition=~Q(normalized=""), name="alias_normalized_not_empty"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_from__lte=F("valid_to")),
                name="alias_valid_period",
            ),
        ]

    def covers(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValidationError({"valid_to": "The last day comes before the first."})
        # Set here too (save() does it), so the constraints on it are checked by full_clean().
        self.normalized = key = normalize_name(self.name)
        others = Alias.objects.filter(normalized=key).exclude(pk=self.pk).select_related("actor")
        for other in others:
            if periods_overlap(self.valid_from, self.valid_to, other.valid_from, other.valid_to):
                when = period_label(other.valid_from, other.valid_to)
                raise ValidationError(
                    f"\u201c{self.name}\u201d already means {other.actor} {when}; give the two names periods that"
                    " do not overlap."
                )


def periods_overlap(a_from: date | None, a_to: date | None, b_from: date | None, b_to: date | None) -> bool:
    """Two inclusive periods (None = open) share at least a day."""
    return (a_from is None or b_to is None or a_from <= b_to) and (b_from is None or a_to is None or b_from <= a_to)


def period_label(valid_from: date | None, valid_to: date | None) -> str:
    def day(value: date) -> str:
        return f"{value.day} {value:%b %Y}"

    if valid_from and valid_to:
        return f"from {day(valid_from)} to {day(valid_to)}"
    if valid_from:
        return f"from {day(valid_from)}"
    if valid_to:
        return f"until {day(valid_to)}"
    return "at any date"


class FormerSlug(models.Model):
    """A slug an actor had before (abu-mohammad-al-julani, now ahmed-al-sharaa): old links and filters still find
    it. Written by the merge of two actors and by the gazetteer load (an actor's "former_slugs")."""

    slug = models.SlugField(max_length=200, unique=True)
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="former_slugs")

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return f"{self.slug} -> {self.actor_id}"


class RejectedName(NormalizedName):
    """A name an editor discarded as a proposed actor ("Local Sources"): extraction does not propose it again."""

    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rejected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            # Extraction's lookup: WHERE normalized IN (...) for a chunk's proposals.
            models.UniqueConstraint(fields=["normalized"], name="rejected_name_normalized_unique"),
            models.CheckConstraint(condition=~Q(normalized=""), name="rejected_name_normalized_not_empty"),
        ]


class Statement(models.Model):
    # Null when the text does not say who spoke: a wrong attribution is worse than none.
    # No index of its own: statement_speaker_date_idx leads with speaker_id (extraction writes ~10 rows an article,
    # so every index kept is paid on each).
    speaker = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.SET_NULL, related_name="statements", db_index=False
    )
    speaker_text = models.CharField(max_length=300, blank=True, help_text="The speaker as the article names them.")
    text = models.TextField()
    is_direct = models.BooleanField(help_text="Quoted speech (true) or reported speech (false).")
    said_on = models.DateField()
    # No index of its own: statement_article_text_unique leads with article_id.
    article = models.ForeignKey(
        "events.Article", on_delete=models.CASCADE, related_name="statements", db_index=False
    )
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="statements"
    )
    sentence = models.TextField(blank=True, help_text="The sentence the statement was extracted from.")
    # sha256 of the normalised text: re-extracting an article updates its statements instead of adding copies.
    text_key = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-said_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "text_key"], name="statement_article_text_unique"),
        ]
        indexes = [
            # Actor page: WHERE speaker_id = ? ORDER BY said_on DESC, id DESC.
            models.Index(fields=["speaker", "-said_on", "-id"], name="statement_speaker_date_idx"),
            # Dashboard "newest statements": ORDER BY said_on DESC, id DESC LIMIT n.
            models.Index(fields=["-said_on", "-id"], name="statement_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.speaker_text or 'Unattributed'}: {self.text[:60]}"

    def save(self, *args, **kwargs) -> None:
        self.text_key = statement_key(self.text)
        super().save(*args, **kwargs)


def statement_key(text: str) -> str:
    return hashlib.sha256(normalize_name(text).encode()).hexdigest()
