package dev.roundtrip.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The results of one run as Markdown (medians over the rounds, ratios to the raw socket
 * loop measured in the same run), a chart per JDK, and every round's figures as TSV.
 */
final class Report {

	private final Harness harness;

	private final Duration took;

	Report(Harness harness, Duration took) {
		this.harness = harness;
		this.took = took;
	}

	void write(Path out) throws IOException {
		StringBuilder md = new StringBuilder();
		md.append("# Benchmark results\n\n");
		md.append("Written by `benchmarks/run` on ")
			.append(Instant.now().truncatedTo(ChronoUnit.MINUTES))
			.append(": `")
			.append(this.harness.options.getOrDefault("command", "benchmarks/run"))
			.append("`, ")
			.append(this.took.toMinutes())
			.append(" min ")
			.append(this.took.toSecondsPart())
			.append(" s of measuring. ")
			.append(Runtime.getRuntime().availableProcessors())
			.append(" cores shared by nginx (one worker), the client JVM and whatever else ran on the machine (load ")
			.append("average ")
			.append(this.harness.loadBefore)
			.append(" before the run, ")
			.append(this.harness.loadAfter)
			.append(" after); ")
			.append(this.harness.rounds())
			.append((this.harness.rounds() == 1) ? " round, " : " rounds, ")
			.append("one JVM per client per round, the client order rotating; ")
			.append(this.harness.options.getOrDefault("seconds", "2"))
			.append(" s measured after ")
			.append(this.harness.options.getOrDefault("warmup", "1"))
			.append(" s of warm-up per task (")
			.append(this.harness.options.getOrDefault("first-warmup", "2"))
			.append(" s for a JVM's first). Medians shown; *spread* is (max − min) / median of requests/s over the rounds. ")
			.append("CPU is the client JVM's whole process CPU time over the measured window (callers, the client's ")
			.append("own threads, JIT, GC) divided by the requests completed in it; allocation is every thread's. ")
			.append("*× raw* divides by the raw socket loop of the same JDK, shape and thread count. ")
			.append("*conns* is how many connections nginx accepted during the task (its `stub_status`), ")
			.append("warm-up and the one checking request included.\n\n");
		for (int jdk : jdks()) {
			section(md, jdk);
			Path chart = out.resolve("get13-jdk" + jdk + ".svg");
			Chart.write(chart, jdk, this, this.harness.clients());
			md.append("![GET 13 B on JDK ").append(jdk).append("](").append(chart.getFileName()).append(")\n\n");
		}
		if (!this.harness.otherOutput.isEmpty()) {
			md.append("## Other output of the client JVMs\n\n```\n");
			this.harness.otherOutput.stream().limit(40).forEach((line) -> md.append(line).append('\n'));
			md.append("```\n\n");
		}
		if (!this.harness.problems.isEmpty()) {
			md.append("## Problems in this run\n\n");
			this.harness.problems.forEach((problem) -> md.append("- ").append(problem).append('\n'));
			md.append('\n');
		}
		Files.writeString(out.resolve("results.md"), md.toString());
		writeTsv(out.resolve("raw.tsv"));
	}

	private void section(StringBuilder md, int jdk) {
		md.append("## JDK ").append(jdk).append("\n\n### GET 13 B, closed loop\n\n");
		md.append(
				"| threads | client | requests/s | CPU µs/request | bytes allocated/request | conns | requests/s × raw "
						+ "| CPU × raw | spread |\n|---|---|---|---|---|---|---|---|---|\n");
		for (String task : List.of("get13@1", "get13@4", "get13@64")) {
			for (String client : clientsWithWrk()) {
				row(md, jdk, task, client, false);
			}
		}
		List<String> shapes = tasks(jdk).stream()
			.filter((t) -> !t.startsWith("get13@") && !t.startsWith("latency"))
			.toList();
		if (!shapes.isEmpty()) {
			md.append("\n### Bodies, chunked, POST and TLS\n\n");
			md.append(
					"| shape | threads | client | requests/s | MB/s | CPU µs/request | bytes allocated/request | conns "
							+ "| requests/s × raw | CPU × raw | spread |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
			for (String task : shapes) {
				for (String client : this.harness.clients()) {
					row(md, jdk, task, client, true);
				}
			}
		}
		connections(md, jdk);
		latency(md, jdk);
		virtual(md, jdk);
		md.append('\n');
	}

	private void row(StringBuilder md, int jdk, String task, String client, boolean shapeColumn) {
		List<Measurement> rounds = rounds(jdk, task, client);
		if (rounds.isEmpty()) {
			return;
		}
		List<Measurement> raw = rounds(jdk, task, "raw");
		double perSecond = median(rounds, Measurement::perSecond);
		double cpu = median(rounds, Measurement::cpuMicrosPerRequest);
		Measurement first = rounds.get(0);
		md.append("| ");
		if (shapeColumn) {
			md.append(first.shape().label()).append(" | ");
		}
		md.append(first.threads())
			.append(" | ")
			.append(Clients.label(client))
			.append(" | ")
			.append(format("%,.0f", perSecond))
			.append(" | ");
		if (shapeColumn) {
			md.append(format("%,.1f", median(rounds, Measurement::megabytesPerSecond))).append(" | ");
		}
		md.append(format("%.1f", cpu))
			.append(" | ")
			.append(format("%,.0f", median(rounds, Measurement::allocatedPerRequest)))
			.append(" | ")
			.append(format("%.0f", median(rounds, (m) -> m.number("conns"))))
			.append(" | ")
			.append(raw.isEmpty() ? "" : format("%.2f", perSecond / median(raw, Measurement::perSecond)))
			.append(" | ")
			.append(raw.isEmpty() ? "" : format("%.2f", cpu / median(raw, Measurement::cpuMicrosPerRequest)))
			.append(" | ")
			.append(format("%.0f %%", spread(rounds)))
			.append(" |\n");
	}

	/** Roundtrip must open one connection per thread, or its limit, and no more. */
	private void connections(StringBuilder md, int jdk) {
		List<String> off = new ArrayList<>();
		int checked = 0;
		for (Measurement m : this.harness.measurements) {
			if (m.jdk() != jdk || !m.client().startsWith("roundtrip")) {
				continue;
			}
			long expected = m.task().endsWith("v") ? 64 : m.threads();
			checked++;
			if ((long) m.number("conns") != expected) {
				off.add(m.client() + " " + m.task() + " round " + (m.round() + 1) + ": " + (long) m.number("conns")
						+ " instead of " + expected);
			}
		}
		md.append("\nConnections: Roundtrip (direct and via Spring) opened exactly one connection per thread "
				+ "(64 for 1,000 virtual threads) in ")
			.append(checked - off.size())
			.append(" of ")
			.append(checked)
			.append(" task runs")
			.append(off.isEmpty() ? "." : ": not in " + String.join("; ", off) + ".")
			.append(" The raw loop shows one more: the checking request runs on its own thread, with its own socket; ")
			.append("wrk shows one more as well (not looked into).\n");
	}

	private void latency(StringBuilder md, int jdk) {
		List<String> clients = this.harness.clients()
			.stream()
			.filter((c) -> !rounds(jdk, Harness.LATENCY_TASK, c).isEmpty())
			.toList();
		if (clients.isEmpty()) {
			return;
		}
		md.append("\n### Latency at a fixed rate, 16 threads\n\n");
		md.append("Each thread sends on a fixed schedule; latency runs from the intended send time, so a stall is ")
			.append("counted against every request it delays (no coordinated omission). HdrHistogram, ")
			.append(this.harness.options.getOrDefault("latency-seconds", "3"))
			.append(" s recorded per round after ")
			.append(this.harness.options.getOrDefault("warmup", "1"))
			.append(" s unrecorded; medians of the rounds' percentiles. ")
			.append("First at half the client's own closed-loop maximum (measured just before, in the same JVM), ")
			.append("then at the same 10,000 requests/s for every client.\n\n");
		md.append(
				"| client | load | closed-loop max (req/s) | fixed rate (req/s) | p50 µs | p99 µs | p99.9 µs | max µs "
						+ "| conns |\n|---|---|---|---|---|---|---|---|---|\n");
		for (String task : List.of(Harness.LATENCY_TASK, Harness.SAME_RATE_LATENCY_TASK)) {
			for (String client : clients) {
				List<Measurement> rounds = rounds(jdk, task, client);
				if (rounds.isEmpty()) {
					continue;
				}
				md.append("| ")
					.append(Clients.label(client))
					.append(task.equals(Harness.LATENCY_TASK) ? " | half its maximum" : " | 10,000 req/s")
					.append(format(" | %,.0f | %,.0f | %.0f | %.0f | %.0f | %.0f | %.0f |\n",
							median(rounds, (m) -> m.number("max")), median(rounds, (m) -> m.number("rate")),
							median(rounds, (m) -> m.number("p50")), median(rounds, (m) -> m.number("p99")),
							median(rounds, (m) -> m.number("p999")), median(rounds, (m) -> m.number("maxLatency")),
							median(rounds, (m) -> m.number("conns"))));
			}
		}
	}

	private void virtual(StringBuilder md, int jdk) {
		List<Measurement> virtual = rounds(jdk, Harness.VIRTUAL_TASK, "roundtrip");
		if (virtual.isEmpty()) {
			return;
		}
		List<Measurement> platform = rounds(jdk, "get13@64", "roundtrip");
		long traced = this.harness.otherOutput.stream()
			.filter((line) -> line.startsWith("JDK " + jdk + " roundtrip: "))
			.count();
		md.append("\n### Roundtrip: 1,000 virtual threads on 64 connections against 64 platform threads\n\n");
		md.append(
				"| threads | requests/s | CPU µs/request | bytes allocated/request | conns | pinned (JFR events) |\n");
		md.append("|---|---|---|---|---|---|\n");
		md.append(format("| 64 platform | %,.0f | %.1f | %,.0f | %.0f | |\n", median(platform, Measurement::perSecond),
				median(platform, Measurement::cpuMicrosPerRequest), median(platform, Measurement::allocatedPerRequest),
				median(platform, (m) -> m.number("conns"))));
		md.append(format("| 1,000 virtual | %,.0f | %.1f | %,.0f | %.0f | %.0f |\n",
				median(virtual, Measurement::perSecond), median(virtual, Measurement::cpuMicrosPerRequest),
				median(virtual, Measurement::allocatedPerRequest), median(virtual, (m) -> m.number("conns")),
				median(virtual, (m) -> m.number("pinnedEvents"))));
		md.append("\nPinning: `-Djdk.tracePinnedThreads=full` printed ")
			.append(traced)
			.append(" lines on JDK ")
			.append(jdk)
			.append((jdk >= 24) ? " (JDK 24 removed the flag along with pinning on monitors, JEP 491)" : "")
			.append("; a JFR recording of `jdk.VirtualThreadPinned` with no threshold, in the same JVM, counted ")
			.append(format("%.0f", virtual.stream().mapToDouble((m) -> m.number("pinnedEvents")).sum()))
			.append(" events over all rounds.\n");
	}

	private void writeTsv(Path file) throws IOException {
		List<String> lines = new ArrayList<>();
		lines.add(String.join("\t", "jdk", "client", "task", "round", "requests/s", "cpu_us/request",
				"alloc_bytes/request", "MB/s", "figures"));
		for (Measurement m : this.harness.measurements) {
			lines.add(String.join("\t", Integer.toString(m.jdk()), m.client(), m.task(),
					Integer.toString(m.round() + 1), format("%.0f", m.perSecond()),
					format("%.2f", m.cpuMicrosPerRequest()), format("%.0f", m.allocatedPerRequest()),
					format("%.2f", m.megabytesPerSecond()), m.values().toString()));
		}
		Files.write(file, lines);
	}

	List<Integer> jdks() {
		Set<Integer> jdks = new LinkedHashSet<>();
		this.harness.measurements.forEach((m) -> jdks.add(m.jdk()));
		return new ArrayList<>(jdks);
	}

	private List<String> tasks(int jdk) {
		Set<String> tasks = new LinkedHashSet<>();
		this.harness.measurements.stream().filter((m) -> m.jdk() == jdk).forEach((m) -> tasks.add(m.task()));
		tasks.remove(Harness.VIRTUAL_TASK);
		return new ArrayList<>(tasks);
	}

	private List<String> clientsWithWrk() {
		List<String> clients = new ArrayList<>(this.harness.clients());
		clients.add("wrk");
		return clients;
	}

	List<Measurement> rounds(int jdk, String task, String client) {
		synchronized (this.harness.measurements) {
			return this.harness.measurements.stream()
				.filter((m) -> m.jdk() == jdk && m.task().equals(task) && m.client().equals(client))
				.toList();
		}
	}

	static double median(List<Measurement> rounds, ToDoubleFunction<Measurement> figure) {
		return Measurement.median(rounds.stream().map((m) -> figure.applyAsDouble(m)).toList());
	}

	private static double spread(List<Measurement> rounds) {
		double max = rounds.stream().mapToDouble(Measurement::perSecond).max().orElse(0);
		double min = rounds.stream().mapToDouble(Measurement::perSecond).min().orElse(0);
		return 100 * (max - min) / median(rounds, Measurement::perSecond);
	}

	private static String format(String format, Object... args) {
		String text = String.format(Locale.ROOT, format, args);
		return text.contains("NaN") ? "n/a" : text;
	}

}
