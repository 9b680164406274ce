"""Who takes part in the conflict (Actor, with its Aliases), who said what (Statement), and the names editors
turned down as actors (RejectedName)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [
            # The editors' queue of proposed actors: WHERE status = 'proposed' ORDER BY created_at.
            models.Index(fields=["status", "created_at"], name="actor_status_created_idx"),
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

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "aliases"
        constraints = [
            # A name resolves to exactly one actor.
            models.UniqueConstraint(fields=["normalized"], name="alias_normalized_unique"),
            models.CheckConstraint(condition=~Q(normalized=""), name="alias_normalized_not_empty"),
        ]


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
