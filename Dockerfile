# Hadath services image: one image, the role is the command (worker, sink, publish, ...).
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
# Set to a CPU-only PyTorch wheel index to keep the image small; empty means PyPI's default build.
ARG TORCH_INDEX_URL=""
RUN if [ -n "$TORCH_INDEX_URL" ]; then pip install "torch==2.13.0" --index-url "$TORCH_INDEX_URL"; \
    else pip install "torch==2.13.0"; fi
COPY pyproject.toml README.md ./
COPY services ./services
COPY schemas ./schemas
COPY models ./models
COPY seeds ./seeds
RUN pip install -e . && useradd --uid 10001 --create-home hadath && mkdir -p /data && chown hadath /data
USER 10001
ENV HADATH_DATA_DIR=/data
ENTRYPOINT ["hadath"]
CMD ["--help"]
