package dev.roundtrip.transport;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.ScriptedServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A destination whose connections have all closed leaves the pool at once, but the
 * transport remembers it, with its counters, for {@link DestinationHistory#RETENTION}.
 */
class DestinationHistoryTests {

	@Test
	void aDestinationWithNoConnectionLeftIsRememberedWithItsCountersAndWhenItWillBeForgotten() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "hello"));
				Transport transport = Transport.builder().disableKeepAlives(true).build()) {
			Fetch.text(transport, server.uri("/1"));
			Fetch.text(transport, server.uri("/2"));
			assertThat(transport.stats().destinations()).as("the pool forgets it at once").isEmpty();
			assertThat(transport.history()).singleElement().satisfies((history) -> {
				assertThat(history.destination()).isEqualTo(server.destination());
				assertThat(history.opened()).isEqualTo(2);
				assertThat(history.closedByReason()).isEqualTo(Map.of(CloseReason.KEEP_ALIVES_DISABLED, 2L));
				assertThat(history.closed()).isEqualTo(2);
				assertThat(history.requests()).isEqualTo(2);
				assertThat(history.emptySince()).isNotNull();
				assertThat(Duration.between(history.emptySince(), history.forgetAt()))
					.isEqualTo(DestinationHistory.RETENTION);
			});
		}
	}

	@Test
	void aDestinationWithAnOpenConnectionHasNoForgetTime() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "hello"));
				Transport transport = Transport.builder().build()) {
			Fetch.text(transport, server.uri("/1"));
			assertThat(transport.history()).singleElement().satisfies((history) -> {
				assertThat(history.opened()).isEqualTo(1);
				assertThat(history.closed()).isZero();
				assertThat(history.emptySince()).isNull();
				assertThat(history.forgetAt()).isNull();
			});
		}
	}

}
