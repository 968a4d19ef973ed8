"""Writes for areas, agencies and staff. Each takes the actor and records an audit row."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tide.areas.models import Agency, Area, Partnership, Role, User
from tide.core.audit import audit_record


@transaction.atomic
def area_create(*, name: str, code: str, actor: Any, partnership_name: str = "", vision: str = "") -> Area:
    area = Area(name=name, code=code)
    area.full_clean()
    area.save()
    Partnership.objects.create(
        area=area, name=partnership_name or f"{name} multiple disadvantage partnership", vision=vision
    )
    audit_record(actor=actor, action="area.created", target=area)
    return area


@transaction.atomic
def agency_create(*, area: Area, name: str, code: str, sector: str, actor: Any) -> Agency:
    agency = Agency(area=area, name=name, code=code, sector=sector)
    agency.full_clean()
    agency.save()
    area.partnership.agencies.add(agency)
    audit_record(actor=actor, action="agency.created", target=agency)
    return agency


@transaction.atomic
def staff_create(
    *,
    area: Area,
    username: str,
    first_name: str,
    last_name: str,
    role: str,
    password: str,
    actor: Any,
    agency: Agency | None = None,
    email: str = "",
    job_title: str = "",
    manager: User | None = None,
) -> User:
    user = User(
        area=area,
        agency=agency,
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=role,
        job_title=job_title,
        manager=manager,
        is_staff=role == Role.ADMINISTRATOR,
        is_superuser=role == Role.ADMINISTRATOR,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(actor=actor, action="user.created", target=user, detail={"role": role})
    return user


@transaction.atomic
def area_set_accountable_officer(*, area: Area, officer: User, actor: Any) -> Area:
    if officer.area_id != area.pk or officer.role != Role.ACCOUNTABLE_OFFICER:
        from django.core.exceptions import ValidationError

        raise ValidationError(
            "The accountable officer must be a member of this area with the accountable officer role."
        )
    area.accountable_officer = officer
    area.save(update_fields=["accountable_officer"])
    audit_record(actor=actor, action="area.accountable_officer_set", target=area, detail={"officer": officer.pk})
    return area
