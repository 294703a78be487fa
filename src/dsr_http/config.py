"""HTTP-only settings: token verification, limits. Shared storage settings are in dsr_core."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr

from dsr_core.process.settings import DsrSettings


class HttpSettings(DsrSettings):
    jwt_secret: SecretStr | None = Field(
        default=None, description="HS256 key; generated under DSR_DATA_DIR when embedded."
    )
    jwt_public_key: str | None = Field(default=None, description="PEM key for RS256/ES256 tokens.")
    jwks_url: str | None = Field(
        default=None, description="JWKS endpoint of the identity provider."
    )
    claims_map: Path | None = Field(
        default=None,
        description="TOML file mapping an identity provider's claims to dsr roles and areas "
        "(docs/operations.md, Single sign-on); with it, tokens need no role or areas claims",
    )
    section_policies: Path | None = Field(
        default=None,
        description="JSON file of partner organisations' section policies (issue 28); "
        "dsr's defaults when unset (src/dsr_core/data/section_policies.json)",
    )
    oidc_issuer: str | None = Field(
        default=None, description="The console's OpenID provider (discovery at its issuer)."
    )
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_scopes: str = Field(default="openid profile", description="Scopes the console asks for.")
    oidc_acr_values: str | None = Field(
        default=None,
        description="Assurance levels accepted (space-separated acr values, e.g. CIS2's 'AAL3'); "
        "the console asks for them and refuses an ID token without one",
    )
    oidc_name: str = Field(
        default="your organisation's account",
        description="What the sign-in button names (e.g. 'NHS Care Identity Service 2').",
    )
    fhir_base_url: str | None = Field(
        default=None,
        pattern=r"^https?://",
        description="The FHIR base under which dsr's own code systems and person ids are "
        "named (e.g. https://dsr.your-trust.nhs.uk/fhir); the server's own address + /fhir "
        "when not set. National codes use UK Core's code systems whatever this is.",
    )
    max_token_hours: float = Field(
        default=12,
        gt=0,
        le=24 * 31,
        description="Bearer tokens good for longer than this (from their issue) are refused.",
    )
    jwt_issuer: str = "dsr"
    jwt_audience: str = "dsr-api"
    max_wait_seconds: float = Field(default=5.0, ge=0, le=30)
    ready_max_lag: int = Field(default=1000, ge=0, description="/readyz fails beyond this lag.")
    max_body_bytes: int = Field(
        default=256 * 1024, ge=1024, le=64 * 1024 * 1024, description="Larger bodies get 413."
    )
    max_header_bytes: int = Field(
        default=16 * 1024, ge=1024, le=1024 * 1024, description="Larger headers get 431."
    )
    embedded_workers: bool = Field(
        default=True, description="Run projections (and scheduler) inside the API process."
    )
    api_workers: int = Field(
        default=1,
        ge=1,
        le=32,
        description="API processes sharing the port; above 1 needs PostgreSQL and no embedded "
        "workers. One process serves on one core (the interpreter lock).",
    )
    console_local_sign_in: bool | None = Field(
        default=None,
        description="The console's local sign-in (pick a role and area): unset, on in "
        "embedded mode for requests from this machine only; true, on (clearly marked); false, off.",
    )
    console_idle_minutes: int = Field(
        default=30, ge=1, le=24 * 60, description="A console session lapses after this idle time."
    )
    console_max_hours: int = Field(
        default=12, ge=1, le=7 * 24, description="...and this long after sign-in, whatever."
    )
