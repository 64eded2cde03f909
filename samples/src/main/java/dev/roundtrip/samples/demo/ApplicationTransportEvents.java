package dev.roundtrip.samples.demo;

import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Component;

import dev.roundtrip.transport.ConnectionInfo;
import dev.roundtrip.transport.TransportListener;

/**
 * A {@link TransportListener} bean: the auto-configuration hands it to the application's
 * transport. Counts the connections that transport dialed.
 */
@Component
class ApplicationTransportEvents implements TransportListener {

	private final AtomicInteger dialed = new AtomicInteger();

	@Override
	public void dialSucceeded(ConnectionInfo connection, long durationNanos) {
		this.dialed.incrementAndGet();
	}

	int dialed() {
		return this.dialed.get();
	}

}
