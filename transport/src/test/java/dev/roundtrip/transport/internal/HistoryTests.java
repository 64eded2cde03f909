package dev.roundtrip.transport.internal;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.CloseReason;
import dev.roundtrip.transport.ConnectionInfo;
import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.DestinationHistory;
import dev.roundtrip.transport.TransportListener;

import static org.assertj.core.api.Assertions.assertThat;

/** When the transport forgets an emptied destination, on a clock the test advances. */
class HistoryTests {

	private final AtomicLong now = new AtomicLong(1_000_000);

	private final History history = new History(TransportListener.NONE, this.now::get);

	private final Destination destination = new Destination("http", "api.example.com", 80, null, null);

	@Test
	void anEmptiedDestinationIsForgottenOnceItsRetentionHasPassed() {
		ConnectionInfo connection = connection(1);
		this.history.dialSucceeded(connection, 1);
		this.history.connectionClosed(connection, CloseReason.IDLE_TIMEOUT, 1);
		long retention = DestinationHistory.RETENTION.toMillis();
		this.now.addAndGet(retention);
		assertThat(this.history.snapshot()).singleElement()
			.satisfies(
					(remembered) -> assertThat(remembered.forgetAt().toEpochMilli()).isEqualTo(1_000_000 + retention));
		this.now.addAndGet(1);
		assertThat(this.history.snapshot()).isEmpty();
	}

	@Test
	void aDestinationWithAnOpenConnectionIsNeverForgotten() {
		this.history.dialSucceeded(connection(1), 1);
		ConnectionInfo second = connection(2);
		this.history.dialSucceeded(second, 1);
		this.history.connectionClosed(second, CloseReason.MAX_IDLE_PER_HOST, 1);
		this.now.addAndGet(DestinationHistory.RETENTION.toMillis() * 2);
		assertThat(this.history.snapshot()).singleElement().satisfies((remembered) -> {
			assertThat(remembered.opened()).isEqualTo(2);
			assertThat(remembered.closed()).isEqualTo(1);
			assertThat(remembered.forgetAt()).isNull();
		});
	}

	private ConnectionInfo connection(long id) {
		Destination to = this.destination;
		return new ConnectionInfo() {

			@Override
			public long id() {
				return id;
			}

			@Override
			public Destination destination() {
				return to;
			}

			@Override
			public InetSocketAddress localAddress() {
				return null;
			}

			@Override
			public InetSocketAddress remoteAddress() {
				return null;
			}

			@Override
			public long createdAtNanos() {
				return 0;
			}

			@Override
			public long requestCount() {
				return 3;
			}

			@Override
			public String tlsProtocol() {
				return null;
			}

			@Override
			public String cipherSuite() {
				return null;
			}

		};
	}

}
