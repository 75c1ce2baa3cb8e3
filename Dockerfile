# The grading image: the students' Python environment plus the in-sandbox executor.
#
# It holds no secret: not the references (graders/<unit>.py), not the instructor
# notebooks, not the gradebook. Only graders/runtime/ is copied in. The judge
# stays outside; the docker backend (c.MMLGrader.sandbox = "docker") runs one
# container of this image per submission with no network, a read-only root,
# memory and pid limits, no capabilities and this non-root user
# (graders/sandbox/docker.py builds the exact command).
#
#   docker build -t mml-grader:latest .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    OPENBLAS_NUM_THREADS=1 \
    OMP_NUM_THREADS=1 \
    MPLBACKEND=Agg \
    MPLCONFIGDIR=/tmp

# The libraries a student notebook may import (keep in step with pyproject.toml).
RUN pip install --no-cache-dir "numpy>=2.0" "scipy>=1.11" "ipython>=8" "matplotlib>=3.8"

COPY graders/runtime /opt/mml/runtime
RUN useradd --uid 1000 --create-home student
USER 1000:1000
WORKDIR /opt/mml

# The backend passes: python -E -s -m runtime.executor /job /out /home/student
CMD ["python", "-E", "-s", "-m", "runtime.executor", "/job", "/out", "/home/student"]
