"""Request bodies for whole accounts."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from pressroom.users.schemas import Password


class AccountDeletion(BaseModel):
    model_config = ConfigDict(extra="ignore")
    password: Password


class AccountDeletionRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    user: AccountDeletion
