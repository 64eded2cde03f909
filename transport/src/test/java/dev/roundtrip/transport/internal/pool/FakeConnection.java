package dev.roundtrip.transport.internal.pool;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

import dev.roundtrip.transport.Destination;

/** A connection without a socket, for driving the pool alone. */
final class FakeConnection extends Pooled {

	private static final AtomicLong IDS = new AtomicLong();

	final long id = IDS.incrementAndGet();

	final Destination destination;

	final long createdAt;

	volatile boolean socketClosed;

	volatile boolean reusable = true;

	/** When set, closing the socket waits for it: a close that takes its time. */
	volatile java.util.concurrent.CountDownLatch closeGate;

	volatile boolean closeStarted;

	volatile long requests;

	/** What the server announced in {@code Keep-Alive: timeout=}; -1 for nothing. */
	volatile long serverIdleTimeoutNanos = -1;

	FakeConnection(Destination destination, long createdAt) {
		this.destination = destination;
		this.createdAt = createdAt;
	}

	@Override
	protected boolean isReusable() {
		return this.reusable && !this.socketClosed;
	}

	@Override
	protected void closeSocket() {
		this.closeStarted = true;
		java.util.concurrent.CountDownLatch gate = this.closeGate;
		if (gate != null) {
			try {
				gate.await(10, java.util.concurrent.TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.socketClosed = true;
	}

	@Override
	public long id() {
		return this.id;
	}

	@Override
	public Destination destination() {
		return this.destination;
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
		return this.createdAt;
	}

	@Override
	public long requestCount() {
		return this.requests;
	}

	@Override
	public String tlsProtocol() {
		return null;
	}

	@Override
	public String cipherSuite() {
		return null;
	}

	@Override
	protected long serverIdleTimeoutNanos() {
		return this.serverIdleTimeoutNanos;
	}

	@Override
	public String toString() {
		return "fake#" + this.id;
	}

}
