"""One exception hierarchy for Pantau; every message says how to fix the problem.

`code` is a stable short reason (stored with a failed document and used in run
reports); `exit_code` is what the CLI returns when this error ends a command.
"""

from __future__ import annotations


class PantauError(Exception):
    """Base of every error Pantau raises on purpose."""

    code = "error"
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(PantauError):
    """A document cannot be read; the batch goes on without it."""

    code = "unreadable"
    exit_code = 3


class EmptyFileError(InputError):
    code = "empty_file"


class UnsupportedTypeError(InputError):
    code = "unsupported_type"


class TypeMismatchError(InputError):
    """Kept for reporting: the name promised one type, the content is another."""

    code = "type_mismatch"


class CorruptFileError(InputError):
    code = "corrupt"


class EncryptedFileError(InputError):
    code = "encrypted"


class TooLargeError(InputError):
    code = "too_large"


class NotTextError(InputError):
    code = "not_text"


class BlankPageError(InputError):
    code = "blank_page"


class OcrError(InputError):
    code = "ocr_failed"


class TemporaryError(InputError):
    """A fault of the machine at the time (a full temporary folder, no memory, too many open
    files), not of the input: the next run reads the document again."""

    code = "temporary"


class TimeLimitError(InputError):
    """A stage of one document (read, ocr, nlp) ran past its time limit; code `<stage>_timeout`."""

    code = "timeout"

    def __init__(self, message: str, *, stage: str) -> None:
        super().__init__(message)
        self.stage = stage
        self.code = f"{stage}_timeout"


class SetupError(PantauError):
    """The machine lacks something Pantau needs (a program, a language pack)."""

    code = "setup"
    exit_code = 4


class ConfigError(PantauError):
    """A setting or argument is wrong."""

    code = "config"
    exit_code = 2


class BusyError(PantauError):
    """The process is at its limit for this kind of work; trying again shortly may succeed."""

    code = "busy"
    exit_code = 1


class StorageError(PantauError):
    """The database cannot be reached or is not at the expected schema."""

    code = "storage"
    exit_code = 5


class IdentityError(PantauError):
    """A review decision or subject lookup that cannot be carried out as asked."""

    code = "identity"
    exit_code = 2


class QueryError(StorageError):
    """A search or cross-reference query has a malformed or unknown value."""

    code = "bad_query"
    exit_code = 2


class AuditTamperedError(PantauError):
    """The audit log's hash chain is broken: rows were changed, removed or inserted."""

    code = "audit_tampered"
    exit_code = 6


class WatchError(PantauError):
    """A watch that cannot be stored or changed as asked (no such watch, not its owner,
    nothing to watch)."""

    code = "watch"
    exit_code = 2


class WatchOwnerError(WatchError):
    """Someone other than its owner tried to change or remove a watch."""

    code = "watch_owner"


class CorrectionError(PantauError):
    """A correction that cannot be made or withdrawn as asked (no such words on the page,
    nothing of that kind there, an unknown country, no reason given)."""

    code = "correction"
    exit_code = 2
