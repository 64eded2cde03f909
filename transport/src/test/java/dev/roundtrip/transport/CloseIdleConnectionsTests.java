package dev.roundtrip.transport;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RecordingListener;
import dev.roundtrip.transport.testing.ScriptedServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Transport#closeIdleConnections()} has Go's semantics: idle connections close,
 * and so do connections returned before the next request starts. Closing the idle
 * connections of some destinations (what the Actuator endpoint's delete does) touches
 * only those.
 */
class CloseIdleConnectionsTests {

	@Test
	void closingOneDestinationsIdleConnectionsLeavesAnotherDestinationsReturningConnectionPooled() throws Exception {
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer a = ScriptedServer.start((ex) -> ex.respond(200, "a"));
				ScriptedServer b = ScriptedServer.start((ex) -> ex.respond(200, "b"));
				Transport transport = Transport.builder().listener(listener).build()) {
			assertThat(Fetch.text(transport, a.uri("/"))).isEqualTo("a");
			try (Response inFlight = transport.roundTrip(Request.get(b.uri("/")))) {
				transport.closeIdleConnections((destination) -> destination.equals(a.destination()));
				assertThat(transport.stats().destination(a.destination())).isNull();
				assertThat(Fetch.readToEof(inFlight)).isEqualTo("b");
			}
			assertThat(transport.stats().destination(b.destination()).idle()).as("b's connection pooled").isOne();
			assertThat(listener.events(RecordingListener.Kind.CLOSED)).extracting(RecordingListener.Event::reason)
				.containsExactly(CloseReason.CLOSE_IDLE);
		}
	}

	// Go: TestTransportCloseIdleConnsThenReturn
	@Test
	void closingAllIdleConnectionsAlsoClosesOneReturnedBeforeTheNextRequest() throws IOException {
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer b = ScriptedServer.start((ex) -> ex.respond(200, "b"));
				Transport transport = Transport.builder().listener(listener).build()) {
			try (Response inFlight = transport.roundTrip(Request.get(b.uri("/")))) {
				transport.closeIdleConnections();
				assertThat(Fetch.readToEof(inFlight)).isEqualTo("b");
			}
			assertThat(transport.stats().idle()).isZero();
			assertThat(listener.events(RecordingListener.Kind.CLOSED)).extracting(RecordingListener.Event::reason)
				.containsExactly(CloseReason.CLOSE_IDLE);
		}
	}

}
