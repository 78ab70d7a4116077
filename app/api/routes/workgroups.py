"""Working groups (ワーキンググループ)."""

from __future__ import annotations

from fastapi import APIRouter, status

from ... import crud, schemas
from ...convert import workgroup_public
from ..deps import ActorDep, SessionDep

router = APIRouter(prefix="/api/workgroups", tags=["workgroups"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create(
    body: schemas.WorkgroupCreate, session: SessionDep, actor: ActorDep
) -> schemas.WorkgroupPublic:
    return workgroup_public(crud.create_workgroup(session, body=body, actor=actor))


@router.get("")
def list_all(session: SessionDep) -> schemas.WorkgroupsPublic:
    rows = crud.list_workgroups(session)
    return schemas.WorkgroupsPublic(items=[workgroup_public(r) for r in rows], count=len(rows))
