# The portal's image for compose.yaml and any container platform (docs/deploy.md). One image, three roles: the web
# server (gunicorn), the worker (manage.py procrastinate worker) and the one-off migration.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# fonts-dejavu-core: the PDFs' font (Kyrgyz ң ө ү); gettext is not needed (the .mo files are committed).
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# Static files are collected into the image (whitenoise serves them). The settings need a key and a database URL to
# import; neither is used by collectstatic, and neither is kept in the image.
RUN DEBUG=0 SECRET_KEY=collectstatic-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz \
    DATABASE_URL=postgres://build@localhost/build python manage.py collectstatic --noinput --verbosity 0
RUN useradd --create-home --uid 10001 portal && mkdir -p /app/var/media && chown -R portal /app/var
USER portal
EXPOSE 8000
CMD ["gunicorn", "mapping_portal.wsgi", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000"]
