package dev.roundtrip.spring.logging;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.roundtrip.spring.testing.LoopbackServer;
import dev.roundtrip.transport.Request;
import dev.roundtrip.transport.Response;
import dev.roundtrip.transport.Transport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code logging.level.dev.roundtrip=debug} is all a Spring Boot application needs to see
 * the transport's log: Boot routes {@code System.Logger} (through
 * {@code java.util.logging}) to its own logging.
 */
@ExtendWith(OutputCaptureExtension.class)
class TransportLoggingIntegrationTests {

	@Test
	void debugLevelForDevRoundtripShowsTheTransportsConnectionEvents(CapturedOutput output) throws IOException {
		try (LoopbackServer server = new LoopbackServer();
				ConfigurableApplicationContext context = run("--logging.level.dev.roundtrip=debug")) {
			send(context.getBean(Transport.class), server);
			assertThat(output)
				.containsPattern(
						"DEBUG .* dev\\.roundtrip\\.transport\\.pool +: Connection #1 to http://127\\.0\\.0\\.1:"
								+ server.port() + " opened from local port \\d+")
				.contains("returned to the pool after 1 request(s)");
			assertThat(output).doesNotContain("dev.roundtrip.transport.exchange");
		}
	}

	/**
	 * TRACE is needed, and enough: DEBUG does not show these lines (see above). They
	 * print labelled DEBUG, because {@code System.Logger}'s TRACE is
	 * {@code java.util.logging}'s FINER, which SLF4J's bridge calls DEBUG.
	 */
	@Test
	void traceLevelAddsTheRequestLineAndStatus(CapturedOutput output) throws IOException {
		try (LoopbackServer server = new LoopbackServer();
				ConfigurableApplicationContext context = run(
						"--logging.level.dev.roundtrip.transport.exchange=trace")) {
			send(context.getBean(Transport.class), server);
			assertThat(output)
				.containsPattern("(TRACE|DEBUG) .* dev\\.roundtrip\\.transport\\.exchange +: #1 http://127\\.0\\.0\\.1:"
						+ server.port() + " GET /hello HTTP/1\\.1 -> 200");
		}
	}

	@Test
	void atTheDefaultLevelTheTransportLogsNothing(CapturedOutput output) throws IOException {
		try (LoopbackServer server = new LoopbackServer(); ConfigurableApplicationContext context = run()) {
			send(context.getBean(Transport.class), server);
			assertThat(output).doesNotContain("dev.roundtrip.transport.pool").doesNotContain("opened from local port");
		}
	}

	private static ConfigurableApplicationContext run(String... args) {
		SpringApplication application = new SpringApplication(LoggingApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		return application.run(args);
	}

	private static void send(Transport transport, LoopbackServer server) throws IOException {
		try (Response response = transport.roundTrip(Request.get(server.uri("/hello")))) {
			response.body().readAllBytes();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class LoggingApplication {

	}

}
