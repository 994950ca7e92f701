"""`make run`: the HLM platform on this machine, against local (or given) PostgreSQL and RabbitMQ.

Bootstraps the database, roles and schemas; migrates each service; loads the framework catalogue;
starts each service, the gateway and the web front as a process; waits until every /health/ready
answers; prints the URLs, the web front's first; and on Ctrl-C stops everything cleanly. Settings
come from the environment (the Makefile sets development defaults): HLM_ADMIN_DATABASE_URL,
HLM_DATABASE, HLM_AMQP_URL, HLM_JWT_SECRET, HLM_JWT_ISSUER, HLM_JWT_AUDIENCE, HLM_EMAIL_HASH_KEY.
The processes and their settings are defined in hlm_kit.local, which the end-to-end tests start the
platform with too.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time

from hlm_kit.bootstrap import bootstrap
from hlm_kit.local import SERVICES, NotReady, PlatformConfig, run_setup, service_env, start, stop, wait_ready

READY_TIMEOUT_S = 60.0


def main() -> None:
    # A supervisor's SIGTERM stops the platform as cleanly as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    config = PlatformConfig.from_environ()
    asyncio.run(bootstrap(config.admin_url, config.database))
    for service in SERVICES:
        run_setup(service, service_env(service, config))

    processes: list[subprocess.Popen[bytes]] = []
    try:
        for service in SERVICES:
            processes.append(start(service, service_env(service, config)))
        try:
            wait_ready(SERVICES, processes, timeout_s=READY_TIMEOUT_S)
        except NotReady as exc:
            sys.exit(f"{exc}; see the log above")
        web = next(service for service in SERVICES if service.is_web_front)
        print("\nThe HLM platform is running:")
        print(f"  web front        {web.base_url}  (raters open {web.base_url}/answer/<token> from their mail)")
        print("  GraphiQL         http://127.0.0.1:8000/graphql")
        for service in SERVICES:
            if not service.is_web_front:
                print(f"  {service.command:<16} {service.base_url}  (API docs: /docs)")
        print("  raters' mail     var/mail (a Maildir)")
        print("\nA token to call it with:  make token ROLE=academy_admin SUB=alice ORG=RX1 REGION=london")
        print("Stop with Ctrl-C.\n", flush=True)
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        sys.exit("a service stopped; shutting the rest down")
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
    finally:
        stop(processes)


if __name__ == "__main__":
    main()
