package dev.roundtrip.samples.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

import dev.roundtrip.samples.demo.ExperimentReport.Row;
import dev.roundtrip.spring.http.client.RoundtripClientHttpRequestFactoryBuilder;
import dev.roundtrip.transport.Call;
import dev.roundtrip.transport.CanceledException;
import dev.roundtrip.transport.CloseReason;
import dev.roundtrip.transport.Request;
import dev.roundtrip.transport.Transport;

/**
 * The seed's experiment (DESIGN.md section 4), replayed through {@code RestClient}
 * against this application's own server: six sequential requests per case, with
 * keep-alives on and off, the body read to its end or not, the response closed or not;
 * then reuse within and beyond {@code idle-conn-timeout}, and a canceled request. Each
 * case has a transport of its own, made from the application's settings, so its
 * connections are its own; the server counts the connections it saw.
 */
@Component
class ConnectionExperiment implements ApplicationRunner {

	static final int REQUESTS = 6;

	/** How long to wait for leak detection after a {@code System.gc()}, at most. */
	private static final Duration LEAK_DETECTION_WAIT = Duration.ofSeconds(3);

	private static final List<Case> CASES = List.of(
			new Case("ka-read-close", true, Handling.READ_AND_CLOSE, false, false, "1"),
			new Case("ka-read", true, Handling.READ, false, false, "1 (3-2)"),
			new Case("ka-close", true, Handling.CLOSE, false, false, "6 (3-3)"),
			new Case("ka-close-nodrain", true, Handling.CLOSE, true, false, "6 (3-3)"),
			new Case("ka-leak", true, Handling.NEITHER, false, false, "6, ESTABLISHED forever (3-1)"),
			new Case("ka-leak-gc", true, Handling.NEITHER, false, true, "6, ESTABLISHED forever (3-1)"),
			new Case("off-read-close", false, Handling.READ_AND_CLOSE, false, false, "6"),
			new Case("off-read", false, Handling.READ, false, false, "6, closed (3-5)"),
			new Case("off-close", false, Handling.CLOSE, false, false, "6, closed (3-6)"),
			new Case("off-leak", false, Handling.NEITHER, false, false, "6, CLOSE_WAIT forever (3-4)"),
			new Case("off-leak-gc", false, Handling.NEITHER, false, true, "6, CLOSE_WAIT forever (3-4)"));

	private final ObjectProvider<RestClient.Builder> restClientBuilders;

	private final Transport transport;

	private final ApplicationTransportEvents applicationEvents;

	private final HttpClientSettings httpClientSettings;

	private final ExperimentServer.Connections server;

	private final ExperimentServer.SlowResponses slow;

	private final ExperimentReport report;

	private final Environment environment;

	ConnectionExperiment(ObjectProvider<RestClient.Builder> restClientBuilders, Transport transport,
			ApplicationTransportEvents applicationEvents, HttpClientSettings httpClientSettings,
			ExperimentServer.Connections server, ExperimentServer.SlowResponses slow, ExperimentReport report,
			Environment environment) {
		this.restClientBuilders = restClientBuilders;
		this.transport = transport;
		this.applicationEvents = applicationEvents;
		this.httpClientSettings = httpClientSettings;
		this.server = server;
		this.slow = slow;
		this.report = report;
		this.environment = environment;
	}

	@Override
	public void run(ApplicationArguments args) throws Exception {
		String base = "http://127.0.0.1:" + this.environment.getRequiredProperty("local.server.port");
		autoConfigured(base);
		for (Case c : CASES) {
			run(c, base);
		}
		idle(base);
		canceled(base);
		System.out.println();
		System.out.println("Roundtrip demo: the seed's experiment, " + REQUESTS
				+ " sequential requests per case, through RestClient to " + base);
		System.out
			.println("(ka = keep-alives on, off = keep-alives off; 'opened' counts the client ports the server saw)");
		System.out.println();
		System.out.print(this.report.render());
		System.out.println();
		System.out.println("Actuator: " + base + "/actuator   (configprops shows roundtrip.transport.*)");
		System.out.println();
	}

	/**
	 * The application's own RestClient, from the auto-configured builder, over the
	 * application's transport.
	 */
	private void autoConfigured(String base) {
		RestClient client = this.restClientBuilders.getObject().baseUrl(base).build();
		int dialedBefore = this.applicationEvents.dialed();
		for (int i = 0; i < REQUESTS; i++) {
			Handling.READ_AND_CLOSE.send(client, "/experiment/auto/hello");
		}
		this.report.add(new Row("auto", "auto-configured RestClient: ka, read to EOF, close", this.server.count("auto"),
				this.applicationEvents.dialed() - dialedBefore, Map.of(), this.transport.stats().open(), "1"));
	}

	private void run(Case c, String base) {
		CaseListener events = new CaseListener();
		Transport.Builder builder = Transport.builder()
			.settings(this.transport.settings())
			.disableKeepAlives(!c.keepAlives())
			.listener(events);
		if (c.noDrain()) {
			builder.drainOnCloseMaxBytes(0);
		}
		try (Transport caseTransport = builder.build()) {
			RestClient client = client(caseTransport, base);
			for (int i = 0; i < REQUESTS; i++) {
				c.handling().send(client, "/experiment/" + c.name() + "/hello");
				if (c.gc()) {
					awaitLeakDetection(events, i + 1);
				}
			}
			this.report.add(new Row(c.name(), c.description(), this.server.count(c.name()), events.dialed(),
					events.closed(), caseTransport.stats().open(), c.go()));
		}
	}

	/**
	 * Seed, question 1: a connection used more often than {@code idle-conn-timeout} is
	 * kept; one left idle longer is closed. The transport's clock is advanced between
	 * requests instead of sleeping.
	 */
	private void idle(String base) {
		Duration timeout = this.transport.settings().idleConnTimeout();
		Duration within = timeout.dividedBy(3);
		Duration beyond = timeout.plusSeconds(10);
		idle(base, "idle-reuse", within, timeout, "1, kept forever (question 1)");
		idle(base, "idle-expire", beyond, timeout, "6");
	}

	private void idle(String base, String name, Duration gap, Duration timeout, String go) {
		CaseListener events = new CaseListener();
		AtomicLong skew = new AtomicLong();
		try (Transport caseTransport = Transport.builder()
			.settings(this.transport.settings())
			.listener(events)
			.nanoClock(() -> System.nanoTime() + skew.get())
			.build()) {
			RestClient client = client(caseTransport, base);
			for (int i = 0; i < REQUESTS; i++) {
				if (i > 0) {
					skew.addAndGet(gap.toNanos());
				}
				Handling.READ_AND_CLOSE.send(client, "/experiment/" + name + "/hello");
			}
			this.report.add(new Row(name,
					"ka, read, close; " + gap.toSeconds() + "s apart (clock advanced), idle-conn-timeout "
							+ timeout.toSeconds() + "s",
					this.server.count(name), events.dialed(), events.closed(), caseTransport.stats().open(), go));
		}
	}

	/**
	 * Seed, question 2: a request canceled while waiting for its response has its
	 * connection closed, not pooled. Canceled through the transport's {@link Call}, since
	 * {@code RestClient} has no cancel.
	 */
	private void canceled(String base) throws InterruptedException {
		CaseListener events = new CaseListener();
		try (Transport caseTransport = Transport.builder()
			.settings(this.transport.settings())
			.listener(events)
			.build()) {
			RestClient client = client(caseTransport, base);
			Handling.READ_AND_CLOSE.send(client, "/experiment/cancel/hello");
			this.slow.reset();
			Call call = caseTransport.newCall(Request.get(base + "/experiment/cancel/slow"));
			Thread canceller = new Thread(() -> {
				try {
					if (this.slow.awaitArrival()) {
						call.cancel();
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}, "demo-canceller");
			canceller.start();
			try {
				call.execute().close();
				throw new IllegalStateException("The slow request was expected to be canceled");
			}
			catch (CanceledException expected) {
				// what question 2 is about
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			finally {
				this.slow.release();
				canceller.join(TimeUnit.SECONDS.toMillis(10));
			}
			Handling.READ_AND_CLOSE.send(client, "/experiment/cancel/hello");
			this.report.add(new Row("cancel", "ka: GET, a GET canceled mid-wait, GET", this.server.count("cancel"),
					events.dialed(), events.closed(), caseTransport.stats().open(), "2 (question 2)"));
		}
	}

	private RestClient client(Transport caseTransport, String base) {
		return this.restClientBuilders.getObject()
			.requestFactory(new RoundtripClientHttpRequestFactoryBuilder(caseTransport).build(this.httpClientSettings))
			.baseUrl(base)
			.build();
	}

	/**
	 * Collects garbage until the transport has found {@code leaked} dropped responses, or
	 * gives up.
	 */
	private static void awaitLeakDetection(CaseListener events, int leaked) {
		long deadline = System.nanoTime() + LEAK_DETECTION_WAIT.toNanos();
		while (events.closed(CloseReason.LEAKED) < leaked && System.nanoTime() < deadline) {
			System.gc();
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
		}
	}

	/** How a case treats each response. */
	enum Handling {

		READ_AND_CLOSE("read to EOF, close") {
			@Override
			void send(RestClient client, String path) {
				client.get().uri(path).retrieve().body(String.class);
			}
		},

		READ("read to EOF, no close") {
			@Override
			void send(RestClient client, String path) {
				client.get().uri(path).exchange((request, response) -> response.getBody().readAllBytes(), false);
			}
		},

		CLOSE("not read, close") {
			@Override
			void send(RestClient client, String path) {
				client.get().uri(path).exchange((request, response) -> response.getStatusCode(), true);
			}
		},

		NEITHER("not read, not closed") {
			@Override
			void send(RestClient client, String path) {
				client.get().uri(path).exchange((request, response) -> response.getStatusCode(), false);
			}
		};

		private final String description;

		Handling(String description) {
			this.description = description;
		}

		abstract void send(RestClient client, String path);

	}

	record Case(String name, boolean keepAlives, Handling handling, boolean noDrain, boolean gc, String go) {

		String description() {
			return (this.keepAlives ? "ka" : "off") + ", " + this.handling.description
					+ (this.noDrain ? ", drain-on-close.max-bytes=0" : "")
					+ (this.gc ? ", System.gc() after each" : "");
		}

	}

}
