# The grading image: the students' Python environment plus the in-sandbox executor.
#
# It holds no secret: not the references (graders/<unit>.py), not the instructor
# notebooks, not the gradebook. Only graders/runtime/ is copied in, and the
# environment is exactly requirements/student.lock, installed offline from a
# wheelhouse. The judge stays outside; the docker backend
# (c.MMLGrader.sandbox = "docker") runs containers of this image with no network,
# a read-only root, memory and pid limits, no capabilities and this non-root
# user (graders/sandbox/docker.py builds the exact command).
#
# Build it with `make image` (scripts/build_image.sh): it makes the base
# (Debian bookworm minbase with python3, no registry needed), downloads the
# wheelhouse against the lock file and stages a context holding only the four
# inputs below. BASE_IMAGE may be any image with python3 (3.11) and its venv module.
ARG BASE_IMAGE=mml-base:bookworm
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    OPENBLAS_NUM_THREADS=1 \
    OMP_NUM_THREADS=1 \
    MPLBACKEND=Agg \
    MPLCONFIGDIR=/tmp \
    PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# The students' environment: the lock's wheels and nothing else (no index).
COPY requirements/student.lock /opt/mml/student.lock
COPY wheelhouse /tmp/wheelhouse
RUN python3 -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-index --no-cache-dir --find-links /tmp/wheelhouse \
       -r /opt/mml/student.lock \
    && rm -rf /tmp/wheelhouse \
    && /opt/venv/bin/python -c "import numpy, scipy, matplotlib, IPython"

COPY graders/runtime /opt/mml/runtime
# No home folder in the image: the backend mounts /home/student as a fresh tmpfs (an
# engine copies an existing folder's root-owned mode onto it, closing it to uid 1000).
RUN useradd --uid 1000 --user-group --no-create-home --home-dir /home/student \
        --shell /usr/sbin/nologin student
USER 1000:1000
WORKDIR /opt/mml

# The backend passes: /opt/venv/bin/python -E -s -m runtime.executor /job /out /home/student
CMD ["/opt/venv/bin/python", "-E", "-s", "-m", "runtime.executor", "/job", "/out", "/home/student"]
