"""Who may see and change what: every use case that reads or writes the journal asks here,
inside its own unit of work, so the check and the write see the same rows.

A ticket, attachment or finding of a shop the principal cannot see is reported as *not found*
(ids of other shops leak nothing); one the principal can see but may not change is
*forbidden*. Writes need the manager role in the object's shop.
"""

from __future__ import annotations

from dataclasses import replace

from mpdesk.domain.accounts import Principal, Role
from mpdesk.domain.errors import ForbiddenError, NotFoundError, TicketNotFoundError
from mpdesk.domain.shops import Shop
from mpdesk.domain.tickets import Ticket
from mpdesk.services.ports.journal import TicketFilter, UnitOfWork


def visible_shops(uow: UnitOfWork, principal: Principal) -> list[Shop]:
    return [s for s in uow.shops.list() if principal.can_view(s.id)]


def editable_shops(uow: UnitOfWork, principal: Principal) -> list[Shop]:
    return [s for s in visible_shops(uow, principal) if principal.can(s.id, Role.MANAGER)]


def visible_shop(uow: UnitOfWork, principal: Principal, shop_id: int) -> Shop:
    shop = uow.shops.get(shop_id)
    if shop is None or not principal.can_view(shop_id):
        raise NotFoundError("shop_not_found", name=str(shop_id))
    return shop


def editable_shop(uow: UnitOfWork, principal: Principal, shop_id: int) -> Shop:
    shop = visible_shop(uow, principal, shop_id)
    require_manager(principal, shop.id)
    return shop


def require_manager(principal: Principal, shop_id: int) -> None:
    if not principal.can(shop_id, Role.MANAGER):
        raise ForbiddenError(shop_id=shop_id)


def scoped(principal: Principal, flt: TicketFilter) -> TicketFilter:
    """The filter limited to the principal's shops (another shop's id matches nothing)."""
    allowed = principal.shop_ids
    return flt if allowed is None else replace(flt, shop_ids=allowed)


def visible_ticket(uow: UnitOfWork, principal: Principal, ticket_id: int) -> Ticket:
    ticket = uow.tickets.get(ticket_id)
    if ticket is None or not principal.can_view(ticket.shop_id):
        raise TicketNotFoundError(ticket_id)
    return ticket


def editable_ticket(uow: UnitOfWork, principal: Principal, ticket_id: int) -> Ticket:
    ticket = visible_ticket(uow, principal, ticket_id)
    require_manager(principal, ticket.shop_id)
    return ticket
