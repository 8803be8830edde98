"""The backup archive's layout, shared by `backup create` and `backup restore`.

One tar file (gzip optional) with:
- database.dump (PostgreSQL, pg_dump --format=custom) or database.sqlite3 (SQLite online copy);
- uploads/<path> for every file under UPLOAD_DIR;
- manifest.json, last: when it was made, the database kind and revision, the SHA-256 and size
  of every other member, row counts of key tables and the audit chains' heads."""
import hashlib
import json
import tarfile
from dataclasses import dataclass
from pathlib import PurePosixPath

MANIFEST = "manifest.json"
FORMAT = 1
POSTGRES_MEMBER = "database.dump"
SQLITE_MEMBER = "database.sqlite3"
UPLOADS_PREFIX = "uploads/"
# Tables whose row counts the manifest records and a restore compares.
KEY_TABLES = ("users", "compounds", "units", "residencies", "role_grants", "proposals",
              "ballots", "proposal_results", "issues", "meetings", "notices", "tickets",
              "audit_entries")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


class HashingReader:
    """A file object that digests what is read through it (tarfile.addfile reads members so)."""

    def __init__(self, raw) -> None:
        self.raw, self.sha256, self.size = raw, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def safe_member_name(name: str) -> bool:
    """A relative path with no '..', no absolute part and no backslash."""
    path = PurePosixPath(name)
    return (bool(name) and not path.is_absolute() and "\\" not in name
            and ".." not in path.parts and "" not in name.split("/"))


@dataclass
class Checked:
    manifest: dict
    members: dict  # name → TarInfo


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.getmember(MANIFEST)
    except KeyError:
        raise BackupError(f"{MANIFEST} is missing: this is not a Yishi backup") from None
    handle = archive.extractfile(member)
    try:
        manifest = json.loads(handle.read().decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{MANIFEST} is not valid JSON: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r} (expected {FORMAT})")
    return manifest


def check_digests(archive: tarfile.TarFile) -> Checked:
    """Every member is listed in the manifest with its size and SHA-256, every listed file is
    present, nothing else is there, and no member is a link or a device. Reads the whole
    archive; changes nothing."""
    manifest = read_manifest(archive)
    listed = {entry["name"]: entry for entry in manifest.get("files", [])}
    members, problems = {}, []
    for member in archive.getmembers():
        name = member.name
        if name == MANIFEST:
            continue
        if not member.isfile() or not safe_member_name(name):
            problems.append(f"{name}: not a plain file with a safe relative path")
            continue
        if name in members:
            problems.append(f"{name}: appears twice in the archive")
            continue
        members[name] = member
        entry = listed.get(name)
        if entry is None:
            problems.append(f"{name}: in the archive but not in the manifest")
            continue
        digest = hashlib.sha256()
        handle = archive.extractfile(member)
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
        if member.size != entry.get("size") or digest.hexdigest() != entry.get("sha256"):
            problems.append(f"{name}: SHA-256 or size differs from the manifest "
                            "(the member was changed or damaged)")
    problems += [f"{name}: listed in the manifest but missing from the archive"
                 for name in sorted(set(listed) - set(members))]
    if problems:
        raise BackupError("the archive does not match its manifest:\n  " + "\n  ".join(problems))
    return Checked(manifest, members)
