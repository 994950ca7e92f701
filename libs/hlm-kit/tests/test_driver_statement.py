"""A hot read sent straight to the driver (``DriverStatement.fetch``): the rows and parameters it would have
had through SQLAlchemy, only a ``select()`` sent, and a statement never sent outside the transaction a
session would have begun for it. (A write through ``DriverStatement.execute``: ``test_unit_of_work``.)"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, Text, bindparam, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hlm_kit.db import (
    DRIVER_READ_LISTENERS,
    DriverStatement,
    WriteInRead,
    create_read_sessionmaker,
    create_sessionmaker,
)
from hlm_kit.testing.messaging import MessagingSchema


@pytest.fixture
async def numbers(kit_schema: MessagingSchema) -> Table:
    schema = kit_schema.metadata.schema
    assert schema is not None
    async with kit_schema.engine.begin() as connection:
        await connection.execute(text(f'CREATE TABLE "{schema}".driver_number (n integer, word text)'))
        await connection.execute(text(f"INSERT INTO \"{schema}\".driver_number VALUES (1, 'one'), (2, 'two')"))
    return Table("driver_number", MetaData(schema=schema), Column("n", Integer), Column("word", Text))


def _read(numbers: Table) -> DriverStatement:
    # A bound parameter with its own value (the literal 'two') beside one given when run.
    statement = (
        select(numbers.c.n, numbers.c.word)
        .where(numbers.c.n >= bindparam("least", type_=Integer), numbers.c.word != "two")
        .order_by(numbers.c.n)
    )
    return DriverStatement(statement)


async def test_a_read_request_gets_the_rows_sqlalchemy_would(kit_schema: MessagingSchema, numbers: Table) -> None:
    read = _read(numbers)
    sessions: async_sessionmaker[AsyncSession] = create_read_sessionmaker(kit_schema.engine)
    async with sessions() as session:
        driven = [tuple(row) for row in await read.fetch(session, {"least": 0})]
        through = [tuple(row) for row in (await session.execute(read.statement, {"least": 0})).all()]
    assert driven == through == [(1, "one")]


async def test_only_a_select_is_sent_to_the_driver(kit_schema: MessagingSchema, numbers: Table) -> None:
    async with create_read_sessionmaker(kit_schema.engine)() as session:
        with pytest.raises(WriteInRead):
            await DriverStatement(update(numbers).values(word="three")).fetch(session, {})
        with pytest.raises(WriteInRead):
            await DriverStatement(insert(numbers).values(n=3)).fetch(session, {})
    async with create_sessionmaker(kit_schema.engine)() as session:
        assert [tuple(row) for row in (await session.execute(select(numbers.c.word).order_by(numbers.c.n))).all()] == [
            ("one",),
            ("two",),
        ]


async def test_a_session_not_yet_in_its_transaction_begins_it_first(
    kit_schema: MessagingSchema, numbers: Table
) -> None:
    """A writing session's first statement goes through SQLAlchemy, which begins the transaction, so that what
    it reads and what it writes afterwards are one transaction; later ones go to the driver within it."""
    read = _read(numbers)
    sessions = create_sessionmaker(kit_schema.engine)
    async with sessions() as session:
        first = await read.fetch(session, {"least": 0})
        await session.execute(update(numbers).where(numbers.c.n == 1).values(word="uno"))
        second: Any = await read.fetch(session, {"least": 0})
        assert [tuple(r) for r in first] == [(1, "one")]
        assert [tuple(r) for r in second] == [(1, "uno")]
        await session.rollback()
    async with sessions() as session:
        assert [tuple(r) for r in await read.fetch(session, {"least": 0})] == [(1, "one")]


async def test_a_listener_is_told_what_is_sent(kit_schema: MessagingSchema, numbers: Table) -> None:
    """What a benchmark explains (bench/national.py) includes the reads sent to the driver."""
    read = _read(numbers)
    told: list[tuple[str, list[Any]]] = []

    def listen(connection: Any, sql: str, arguments: Any) -> None:
        told.append((sql, list(arguments)))

    DRIVER_READ_LISTENERS.append(listen)
    try:
        async with create_read_sessionmaker(kit_schema.engine)() as session:
            await read.fetch(session, {"least": 2})
    finally:
        DRIVER_READ_LISTENERS.remove(listen)
    sql, _ = read.compiled(kit_schema.engine.dialect)
    assert told == [(sql, [2, "two"])]
