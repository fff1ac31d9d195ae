# Container image for Consent Portal against a real PostgreSQL and Auth0 tenant (no embedded
# database, no emulator: set DATABASE_URL, DATABASE_OWNER_URL, AUTH0_* and the keys; see the
# README's "Configuration" and "Running in production").
#   docker build -t consent-portal .
#   docker run --env-file consent-portal.env -p 3000:3000 consent-portal
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1
RUN npm run db:generate && npx next build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOST=0.0.0.0
COPY --from=build /app /app
# The launcher runs migrations, then the portal under its supervisor (restarts with backoff).
USER node
EXPOSE 3000
CMD ["npm", "start", "--", "--no-build"]
