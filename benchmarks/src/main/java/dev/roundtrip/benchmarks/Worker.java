package dev.roundtrip.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.HdrHistogram.Histogram;

import dev.roundtrip.benchmarks.Clients.BenchClient;

/**
 * One client in its own JVM: runs the tasks it is given one after the other and prints
 * one {@code RESULT} line per task for {@link Harness} to read. Figures are taken over
 * the measured window only, after a warm-up: completed requests, this process's CPU time
 * (every thread: callers, the client's own threads, JIT and GC), bytes allocated by all
 * threads, and the connections nginx accepted during the task (its {@code stub_status}
 * counter, read before and after).
 *
 * <p>
 * Tasks: {@code shape@threads} (closed loop: each thread sends its next request when the
 * last response is read), {@code shape@threadsv} (the same on virtual threads, 64
 * connections), {@code latency:shape@threads} (closed loop to find this client's maximum,
 * then a fixed rate of half of it, latency measured from each request's intended send
 * time so that a stall counts against every request it delays), and
 * {@code latencyN:shape@threads} (the same at a fixed N requests/s in total).
 */
public final class Worker {

	private static final Pattern TASK = Pattern.compile("(latency(\\d*):)?(\\w+)@(\\d+)(v?)");

	private static final int VIRTUAL_CONNECTIONS = 64;

	private final String client;

	private final Target target;

	private final double warmup;

	private final double seconds;

	private final double latencySeconds;

	private Worker(String client, Target target, double warmup, double seconds, double latencySeconds) {
		this.client = client;
		this.target = target;
		this.warmup = warmup;
		this.seconds = seconds;
		this.latencySeconds = latencySeconds;
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new LinkedHashMap<>();
		for (String arg : args) {
			int eq = arg.indexOf('=');
			options.put(arg.substring(0, eq), arg.substring(eq + 1));
		}
		Target target = Target.of(options.get("http"), options.get("https"), Path.of(options.get("cert")));
		double firstWarmup = Double.parseDouble(options.getOrDefault("first-warmup", "2"));
		Worker worker = new Worker(options.get("client"), target,
				Double.parseDouble(options.getOrDefault("warmup", "1")),
				Double.parseDouble(options.getOrDefault("seconds", "2")),
				Double.parseDouble(options.getOrDefault("latency-seconds", "4")));
		boolean first = true;
		for (String task : options.get("tasks").split(",")) {
			Matcher m = TASK.matcher(task);
			if (!m.matches()) {
				throw new IllegalArgumentException(
						"task " + task + " is not shape@threads[v] or latency[N]:shape@threads");
			}
			Shape shape = Shape.named(m.group(3));
			int threads = Integer.parseInt(m.group(4));
			double warm = first ? firstWarmup : worker.warmup;
			first = false;
			String result;
			if (m.group(1) != null) {
				double fixedRate = m.group(2).isEmpty() ? 0 : Double.parseDouble(m.group(2));
				result = worker.latency(shape, threads, fixedRate, warm);
			}
			else {
				result = worker.closedLoop(shape, threads, !m.group(5).isEmpty(), warm);
			}
			System.out.println("RESULT task=" + task + " " + result);
			System.out.flush();
		}
		System.exit(0);
	}

	private String closedLoop(Shape shape, int threads, boolean virtual, double warm) throws Exception {
		long acceptsBefore = accepts();
		int connections = virtual ? VIRTUAL_CONNECTIONS : threads;
		Recording pinning = virtual ? pinningRecording() : null;
		Figures figures;
		try (BenchClient bench = Clients.create(this.client, this.target, shape, connections)) {
			check(bench, shape);
			Load load = new Load(bench, threads, virtual);
			sleep(warm);
			Snapshot start = load.snapshot();
			sleep(this.seconds);
			Snapshot end = load.snapshot();
			load.stop();
			figures = end.minus(start);
		}
		long connectionsOpened = accepts() - acceptsBefore - 1;
		String pinned = (pinning != null) ? " " + pinnedEvents(pinning) : "";
		return figures + " conns=" + connectionsOpened + pinned;
	}

	private String latency(Shape shape, int threads, double fixedRate, double warm) throws Exception {
		long acceptsBefore = accepts();
		StringBuilder out = new StringBuilder();
		try (BenchClient bench = Clients.create(this.client, this.target, shape, threads)) {
			check(bench, shape);
			Load load = new Load(bench, threads, false);
			sleep(warm);
			Snapshot start = load.snapshot();
			sleep(this.seconds);
			Snapshot end = load.snapshot();
			load.stop();
			Figures max = end.minus(start);
			double rate = (fixedRate > 0) ? fixedRate : max.perSecond() / 2;
			Histogram histogram = fixedRate(bench, threads, rate, warm);
			out.append(String.format(Locale.ROOT,
					"max=%.0f rate=%.0f recorded=%d p50=%.1f p99=%.1f p999=%.1f maxLatency=%.1f", max.perSecond(), rate,
					histogram.getTotalCount(), histogram.getValueAtPercentile(50) / 1e3,
					histogram.getValueAtPercentile(99) / 1e3, histogram.getValueAtPercentile(99.9) / 1e3,
					histogram.getMaxValue() / 1e3));
		}
		out.append(" conns=").append(accepts() - acceptsBefore - 1);
		return out.toString();
	}

	/**
	 * Each thread owns a schedule of intended send times, {@code threads / rate} apart,
	 * staggered between threads. A thread that falls behind sends at once, and the time
	 * it was late for is part of the latency it records: no coordinated omission.
	 */
	private Histogram fixedRate(BenchClient bench, int threads, double rate, double warm) throws InterruptedException {
		long interval = (long) (threads * 1e9 / rate);
		long begin = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
		long recordFrom = begin + (long) (warm * 1e9);
		long until = recordFrom + (long) (this.latencySeconds * 1e9);
		List<Histogram> histograms = new ArrayList<>();
		List<Thread> workers = new ArrayList<>();
		LongAdder failures = new LongAdder();
		for (int t = 0; t < threads; t++) {
			Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
			histograms.add(histogram);
			long first = begin + interval * t / threads;
			Thread worker = new Thread(() -> {
				for (long intended = first; intended < until; intended += interval) {
					long wait;
					while ((wait = intended - System.nanoTime()) > 0) {
						// Pacing to the schedule, not waiting for a condition.
						LockSupport.parkNanos(wait);
					}
					try {
						bench.exchange();
					}
					catch (Exception ex) {
						failures.increment();
					}
					if (intended >= recordFrom) {
						histogram.recordValue(Math.min(System.nanoTime() - intended, TimeUnit.SECONDS.toNanos(60)));
					}
				}
			}, "latency-" + t);
			worker.setDaemon(true);
			workers.add(worker);
			worker.start();
		}
		for (Thread worker : workers) {
			worker.join(TimeUnit.SECONDS.toMillis((long) (warm + this.latencySeconds) + 60));
		}
		Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
		histograms.forEach(all::add);
		if (failures.sum() > 0) {
			System.out.println("INFO " + failures.sum() + " failed requests at a fixed rate");
		}
		return all;
	}

	/** One request before measuring: fails loudly if the client reads the wrong body. */
	private static void check(BenchClient bench, Shape shape) throws Exception {
		long read = bench.exchange();
		if (read != shape.responseBytes()) {
			throw new IllegalStateException(
					"read " + read + " body bytes for " + shape + ", expected " + shape.responseBytes());
		}
	}

	private static void sleep(double seconds) throws InterruptedException {
		// Pacing the measurement window.
		Thread.sleep((long) (seconds * 1000));
	}

	/** nginx's count of accepted connections; this request itself is one of them. */
	private long accepts() throws IOException {
		URI uri = this.target.http();
		try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
			OutputStream out = socket.getOutputStream();
			out.write(("GET /status HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
			Matcher m = Pattern.compile("requests\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)").matcher(text);
			if (!m.find()) {
				throw new IOException("no stub_status counters in: " + text);
			}
			return Long.parseLong(m.group(1));
		}
	}

	private static Recording pinningRecording() {
		Recording recording = new Recording();
		// Every pinning, not only those over the default 20 ms threshold.
		recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
		recording.start();
		return recording;
	}

	private static String pinnedEvents(Recording recording) throws IOException {
		recording.stop();
		Path file = Files.createTempFile("pinned", ".jfr");
		try {
			recording.dump(file);
			List<RecordedEvent> events = RecordingFile.readAllEvents(file);
			String top = "-";
			if (!events.isEmpty() && events.get(0).getStackTrace() != null) {
				top = events.get(0).getStackTrace().getFrames().get(0).getMethod().getType().getName() + "."
						+ events.get(0).getStackTrace().getFrames().get(0).getMethod().getName();
			}
			return "pinnedEvents=" + events.size() + " pinnedTop=" + top;
		}
		finally {
			recording.close();
			Files.deleteIfExists(file);
		}
	}

	/** The threads sending requests in a closed loop until stopped. */
	private static final class Load {

		private final LongAdder requests = new LongAdder();

		private final LongAdder bytes = new LongAdder();

		private final LongAdder failures = new LongAdder();

		private final CountDownLatch stopped;

		private volatile boolean stop;

		Load(BenchClient bench, int threads, boolean virtual) {
			this.stopped = new CountDownLatch(threads);
			ThreadFactory factory = virtual ? virtualThreads() : (task) -> {
				Thread thread = new Thread(task);
				thread.setDaemon(true);
				return thread;
			};
			for (int t = 0; t < threads; t++) {
				factory.newThread(() -> {
					try {
						while (!this.stop) {
							try {
								this.bytes.add(bench.exchange());
								this.requests.increment();
							}
							catch (Exception ex) {
								this.failures.increment();
							}
						}
					}
					finally {
						this.stopped.countDown();
					}
				}).start();
			}
		}

		Snapshot snapshot() {
			return new Snapshot(System.nanoTime(), this.requests.sum(), this.bytes.sum(), this.failures.sum(),
					processCpuNanos(), allocatedBytes());
		}

		void stop() throws InterruptedException {
			this.stop = true;
			if (!this.stopped.await(60, TimeUnit.SECONDS)) {
				System.out.println("INFO threads did not stop within 60 s");
			}
		}

	}

	record Snapshot(long nanos, long requests, long bytes, long failures, long cpu, long allocated) {

		Figures minus(Snapshot start) {
			return new Figures(this.nanos - start.nanos, this.requests - start.requests, this.bytes - start.bytes,
					this.failures - start.failures, this.cpu - start.cpu, this.allocated - start.allocated);
		}

	}

	record Figures(long nanos, long requests, long bytes, long failures, long cpu, long allocated) {

		double perSecond() {
			return this.requests / (this.nanos / 1e9);
		}

		@Override
		public String toString() {
			return "nanos=" + this.nanos + " requests=" + this.requests + " bytes=" + this.bytes + " failures="
					+ this.failures + " cpu=" + this.cpu + " alloc=" + this.allocated;
		}

	}

	private static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	/**
	 * Bytes allocated by every thread: the JDK 21+ total (which keeps threads that
	 * ended), else the sum over live threads.
	 */
	private static long allocatedBytes() {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		try {
			return (long) com.sun.management.ThreadMXBean.class.getMethod("getTotalThreadAllocatedBytes")
				.invoke(threads);
		}
		catch (ReflectiveOperationException ex) {
			long sum = 0;
			for (long allocated : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
				sum += Math.max(allocated, 0);
			}
			return sum;
		}
	}

	private static ThreadFactory virtualThreads() {
		try {
			Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
			Class<?> builderClass = Class.forName("java.lang.Thread$Builder");
			return (ThreadFactory) MethodHandles.publicLookup()
				.findVirtual(builderClass, "factory", MethodType.methodType(ThreadFactory.class))
				.invoke(builder);
		}
		catch (Throwable ex) {
			throw new IllegalStateException("virtual threads need JDK 21+", ex);
		}
	}

}
