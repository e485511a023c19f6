/**
 * A private ClickHouse server for one test file: Debian's clickhouse-server (scripts/ensure-clickhouse.sh) on free
 * loopback ports, with its own data folder and a `default` user that needs a password (so the URL's credentials are
 * exercised). Stopped and its folder removed by `stop()`.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { freePort } from "@stint/temporal-workers";

export interface TestClickHouse {
  /** http://default:<password>@127.0.0.1:<port>/<database> */
  url(database: string): string;
  httpPort: number;
  password: string;
  stop(): Promise<void>;
}

/** Ports are chosen free, then bound by the server: another process can take one in between, so up to 3 tries. */
export async function startTestClickHouse(): Promise<TestClickHouse> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce();
    } catch (error) {
      if (!(error instanceof ServerExitedError) || attempt >= 3) throw error;
    }
  }
}

class ServerExitedError extends Error {}

async function startOnce(): Promise<TestClickHouse> {
  const dir = mkdtempSync(join(tmpdir(), "stint-test-clickhouse-"));
  for (const sub of ["data", "tmp", "log", "user_files"]) mkdirSync(join(dir, sub));
  const [httpPort, tcpPort, interserverPort] = [await freePort(), await freePort(), await freePort()];
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  writeFileSync(
    join(dir, "users.xml"),
    `<?xml version="1.0"?><yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users><default><password>${password}</password><networks><ip>127.0.0.1</ip></networks>
    <profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows>
    <read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>`,
  );
  writeFileSync(
    join(dir, "config.xml"),
    `<?xml version="1.0"?><yandex>
  <logger><level>warning</level><log>${dir}/log/server.log</log><errorlog>${dir}/log/error.log</errorlog>
    <size>10M</size><count>1</count></logger>
  <http_port>${httpPort}</http_port><tcp_port>${tcpPort}</tcp_port>
  <interserver_http_port>${interserverPort}</interserver_http_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path><tmp_path>${dir}/tmp/</tmp_path><user_files_path>${dir}/user_files/</user_files_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile><default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
</yandex>`,
  );
  const child = spawn(inject("clickhouseServerBinary"), [`--config-file=${join(dir, "config.xml")}`], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr!.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (const deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 200))) {
    if (child.exitCode !== null) {
      await stop();
      throw new ServerExitedError(`clickhouse-server exited (${child.exitCode}):\n${output}`);
    }
    const ok = await fetch(`http://127.0.0.1:${httpPort}/ping`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`clickhouse-server did not answer /ping within 60 s:\n${output}`);
    }
  }
  return {
    url: (database) => `http://default:${password}@127.0.0.1:${httpPort}/${database}`,
    httpPort,
    password,
    stop,
  };
}
