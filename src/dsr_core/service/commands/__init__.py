"""Commands: what a front-end asks the register to record, validated field by field.

They double as HTTP request bodies, so each carries an example. Dates are the day the
thing happened (the effective date), which may be in the past but never in the future.

The commands, by the headings of docs/domain.md; `from dsr_core.service import commands as
cmd` names any of them as `cmd.Name`."""

from __future__ import annotations

from dsr_core.service.commands.base import (
    Command,
)
from dsr_core.service.commands.care_record import (
    AssignProfessional,
    EndInvolvement,
    RecordEhcPlan,
    RecordMitigation,
    RecordNeeds,
    RecordRecommendation,
    RecordRiskFactors,
    RecordRiskManagement,
    RecordSafeguardingNote,
    RecordViews,
    ReferToService,
    StartService,
)
from dsr_core.service.commands.hospital import (
    Admit,
    ChangeLegalStatus,
    ChangePlacement,
    Discharge,
    MarkNoLongerReady,
    MarkReadyForDischarge,
    NotifyInpatient,
    RecordDischargeBarriers,
    RecordDischargeDelay,
    ScoreDischargePlan,
    SetPlannedDischargeDate,
)
from dsr_core.service.commands.referral import (
    Accept,
    ChangeRating,
    CorrectDetails,
    DeclineReferral,
    GrantEmergencyAccess,
    KeepOnRegister,
    RecordConsent,
    RecordConsentRefusal,
    RecordInvolvement,
    RecordNationalDataObjection,
    Refer,
    Remove,
    ReRefer,
    TellReferrer,
    Transfer,
    WithdrawConsent,
)
from dsr_core.service.commands.retention import (
    Erase,
    EraseAtRetentionEnd,
    LiftLegalHold,
    PlaceLegalHold,
    ReapplyErasure,
)
from dsr_core.service.commands.reviews import (
    AddAction,
    ChangeActionStatus,
    CompleteAction,
    DeclineCetr,
    NewAction,
    OfferCetr,
    RecordReview,
)

__all__ = [
    "Accept",
    "AddAction",
    "Admit",
    "AssignProfessional",
    "ChangeActionStatus",
    "ChangeLegalStatus",
    "ChangePlacement",
    "ChangeRating",
    "Command",
    "CompleteAction",
    "CorrectDetails",
    "DeclineCetr",
    "DeclineReferral",
    "Discharge",
    "EndInvolvement",
    "Erase",
    "EraseAtRetentionEnd",
    "GrantEmergencyAccess",
    "KeepOnRegister",
    "LiftLegalHold",
    "MarkNoLongerReady",
    "MarkReadyForDischarge",
    "NewAction",
    "NotifyInpatient",
    "OfferCetr",
    "PlaceLegalHold",
    "ReRefer",
    "ReapplyErasure",
    "RecordConsent",
    "RecordConsentRefusal",
    "RecordDischargeBarriers",
    "RecordDischargeDelay",
    "RecordEhcPlan",
    "RecordInvolvement",
    "RecordMitigation",
    "RecordNationalDataObjection",
    "RecordNeeds",
    "RecordRecommendation",
    "RecordReview",
    "RecordRiskFactors",
    "RecordRiskManagement",
    "RecordSafeguardingNote",
    "RecordViews",
    "Refer",
    "ReferToService",
    "Remove",
    "ScoreDischargePlan",
    "SetPlannedDischargeDate",
    "StartService",
    "TellReferrer",
    "Transfer",
    "WithdrawConsent",
]
