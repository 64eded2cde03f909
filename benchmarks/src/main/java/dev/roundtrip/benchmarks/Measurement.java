package dev.roundtrip.benchmarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One task's figures from one forked JVM (one round), as the {@code RESULT} line of
 * {@link Worker} gave them.
 *
 * @param jdk the JDK's feature version
 * @param client the client's name
 * @param task the task, such as {@code get13@4}
 * @param round the round, from 0
 * @param values the figures by name
 */
record Measurement(int jdk, String client, String task, int round, Map<String, String> values) {

	static Measurement parse(int jdk, String client, int round, String line) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String pair : line.substring("RESULT ".length()).trim().split(" ")) {
			int eq = pair.indexOf('=');
			values.put(pair.substring(0, eq), pair.substring(eq + 1));
		}
		return new Measurement(jdk, client, values.get("task"), round, values);
	}

	double number(String name) {
		String value = this.values.get(name);
		return (value != null) ? Double.parseDouble(value) : Double.NaN;
	}

	Shape shape() {
		String task = this.task.startsWith("latency") ? this.task.substring(this.task.indexOf(':') + 1) : this.task;
		return Shape.named(task.substring(0, task.indexOf('@')));
	}

	int threads() {
		String threads = this.task.substring(this.task.indexOf('@') + 1);
		return Integer.parseInt(threads.endsWith("v") ? threads.substring(0, threads.length() - 1) : threads);
	}

	double perSecond() {
		return number("requests") / (number("nanos") / 1e9);
	}

	/** Payload megabytes per second, both directions (request and response bodies). */
	double megabytesPerSecond() {
		double payload = number("bytes") + number("requests") * shape().requestBytes();
		return payload / (number("nanos") / 1e9) / 1e6;
	}

	double cpuMicrosPerRequest() {
		return number("cpu") / number("requests") / 1e3;
	}

	double allocatedPerRequest() {
		return number("alloc") / number("requests");
	}

	static double median(List<Double> values) {
		List<Double> sorted = values.stream().filter((v) -> !v.isNaN()).sorted().toList();
		if (sorted.isEmpty()) {
			return Double.NaN;
		}
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

}
