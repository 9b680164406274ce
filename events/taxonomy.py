"""ACLED's event taxonomy (ACLED Codebook, 2023): six event types and their sub-event types."""

from django.db import models


class EventType(models.TextChoices):
    BATTLES = "Battles"
    EXPLOSIONS = "Explosions/Remote violence"
    VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
    PROTESTS = "Protests"
    RIOTS = "Riots"
    STRATEGIC = "Strategic developments"


class SubEventType(models.TextChoices):
    ARMED_CLASH = "Armed clash"
    GOVERNMENT_REGAINS_TERRITORY = "Government regains territory"
    NON_STATE_ACTOR_OVERTAKES_TERRITORY = "Non-state actor overtakes territory"
    CHEMICAL_WEAPON = "Chemical weapon"
    AIR_DRONE_STRIKE = "Air/drone strike"
    SUICIDE_BOMB = "Suicide bomb"
    SHELLING = "Shelling/artillery/missile attack"
    REMOTE_EXPLOSIVE = "Remote explosive/landmine/IED"
    GRENADE = "Grenade"
    SEXUAL_VIOLENCE = "Sexual violence"
    ATTACK = "Attack"
    ABDUCTION = "Abduction/forced disappearance"
    PEACEFUL_PROTEST = "Peaceful protest"
    PROTEST_WITH_INTERVENTION = "Protest with intervention"
    EXCESSIVE_FORCE = "Excessive force against protesters"
    VIOLENT_DEMONSTRATION = "Violent demonstration"
    MOB_VIOLENCE = "Mob violence"
    AGREEMENT = "Agreement"
    ARRESTS = "Arrests"
    CHANGE_TO_GROUP = "Change to group/activity"
    DISRUPTED_WEAPONS_USE = "Disrupted weapons use"
    HEADQUARTERS_ESTABLISHED = "Headquarters or base established"
    LOOTING = "Looting/property destruction"
    NON_VIOLENT_TRANSFER = "Non-violent transfer of territory"
    OTHER = "Other"


S = SubEventType
SUB_EVENT_TYPES: dict[str, list[SubEventType]] = {
    EventType.BATTLES: [S.ARMED_CLASH, S.GOVERNMENT_REGAINS_TERRITORY, S.NON_STATE_ACTOR_OVERTAKES_TERRITORY],
    EventType.EXPLOSIONS: [
        S.CHEMICAL_WEAPON, S.AIR_DRONE_STRIKE, S.SUICIDE_BOMB, S.SHELLING, S.REMOTE_EXPLOSIVE, S.GRENADE,
    ],
    EventType.VIOLENCE_AGAINST_CIVILIANS: [S.SEXUAL_VIOLENCE, S.ATTACK, S.ABDUCTION],
    EventType.PROTESTS: [S.PEACEFUL_PROTEST, S.PROTEST_WITH_INTERVENTION, S.EXCESSIVE_FORCE],
    EventType.RIOTS: [S.VIOLENT_DEMONSTRATION, S.MOB_VIOLENCE],
    EventType.STRATEGIC: [
        S.AGREEMENT, S.ARRESTS, S.CHANGE_TO_GROUP, S.DISRUPTED_WEAPONS_USE, S.HEADQUARTERS_ESTABLISHED,
        S.LOOTING, S.NON_VIOLENT_TRANSFER, S.OTHER,
    ],
}
del S
