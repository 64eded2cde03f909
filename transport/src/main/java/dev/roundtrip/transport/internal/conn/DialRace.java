package dev.roundtrip.transport.internal.conn;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

import dev.roundtrip.transport.TransportTimeoutException;
import dev.roundtrip.transport.TransportTimeoutException.Limit;

/**
 * Connects to one of a host's addresses, Go's way ({@code dialParallel} and
 * {@code dialSerial} in {@code net/dial.go}), on the dialing thread with one selector:
 * <ol>
 * <li>The addresses are split by family: the family of the first address the resolver
 * returned is primary, the other is the fallback.</li>
 * <li>Each family is tried in order, one address at a time. Each attempt gets an equal
 * share of the time left, but at least 2 s where the time allows (Go's
 * {@code partialDeadline}), so an address that drops SYNs cannot take the whole dial
 * timeout from the next.</li>
 * <li>The fallback family starts once the primary has had {@code fallbackDelay} to
 * connect, or at once when the primary has run out of addresses (Happy Eyeballs, RFC
 * 8305). The first connection made wins; the others are closed.</li>
 * </ol>
 * The channel returned is connected and blocking.
 */
final class DialRace {

	/** Go's {@code saneMinimum}: the least time an address gets, if the dial has it. */
	static final long MIN_ATTEMPT_NANOS = 2_000_000_000L;

	/** Sets socket options on a new channel before it connects. */
	@FunctionalInterface
	interface Configurer {

		void configure(SocketChannel channel) throws IOException;

	}

	private final String host;

	private final int port;

	private final String role;

	private final int timeoutMillis;

	/** {@link System#nanoTime()} by which the dial fails; 0 for none. */
	private final long deadline;

	/** Negative: no race, the fallback family is tried after the primary. */
	private final long fallbackDelayNanos;

	private final Configurer configurer;

	private final List<IOException> failures = new ArrayList<>();

	DialRace(String host, int port, String role, int timeoutMillis, long deadline, long fallbackDelayNanos,
			Configurer configurer) {
		this.host = host;
		this.port = port;
		this.role = role;
		this.timeoutMillis = timeoutMillis;
		this.deadline = deadline;
		this.fallbackDelayNanos = fallbackDelayNanos;
		this.configurer = configurer;
	}

	SocketChannel connect(List<InetAddress> addresses) throws IOException {
		List<InetAddress> primaries = new ArrayList<>();
		List<InetAddress> fallbacks = new ArrayList<>();
		boolean primaryIsV6 = addresses.get(0) instanceof Inet6Address;
		for (InetAddress address : addresses) {
			((address instanceof Inet6Address) == primaryIsV6 ? primaries : fallbacks).add(address);
		}
		if (this.fallbackDelayNanos < 0) {
			primaries.addAll(fallbacks);
			fallbacks.clear();
		}
		long start = System.nanoTime();
		Lane primary = new Lane(primaries, start);
		Lane fallback = fallbacks.isEmpty() ? null : new Lane(fallbacks, start + this.fallbackDelayNanos);
		try (Selector selector = Selector.open()) {
			try {
				SocketChannel connected = race(selector, primary, fallback);
				SelectionKey key = connected.keyFor(selector);
				if (key != null) {
					// A channel is made blocking again only once no selector holds it.
					key.cancel();
					selector.selectNow();
				}
				connected.configureBlocking(true);
				return connected;
			}
			finally {
				primary.closeUnlessWinner();
				if (fallback != null) {
					fallback.closeUnlessWinner();
				}
			}
		}
	}

	private SocketChannel race(Selector selector, Lane primary, Lane fallback) throws IOException {
		while (true) {
			long now = System.nanoTime();
			if (this.deadline != 0 && now - this.deadline >= 0) {
				throw failure(timeout(null, this.timeoutMillis, false));
			}
			if (fallback != null && !primary.hasMore() && fallback.startNanos - now > 0) {
				// Go: the primary family failed; do not wait out the fallback delay.
				fallback.startNanos = now;
			}
			SocketChannel winner = primary.advance(selector, now);
			if (winner == null && fallback != null && fallback.startNanos - now <= 0) {
				winner = fallback.advance(selector, now);
			}
			if (winner != null) {
				return winner;
			}
			if (!primary.hasMore() && (fallback == null || !fallback.hasMore())) {
				throw failure(null);
			}
			long wake = earliest(now, primary, fallback);
			long waitMillis = Math.max(1, (wake - now + 999_999) / 1_000_000);
			selector.select(waitMillis);
			if (Thread.interrupted()) {
				Thread.currentThread().interrupt();
				throw new InterruptedIOException("Interrupted while connecting to " + this.role + this.host);
			}
			for (SelectionKey key : selector.selectedKeys()) {
				Lane lane = (Lane) key.attachment();
				SocketChannel channel = (SocketChannel) key.channel();
				try {
					if (channel.finishConnect()) {
						lane.winner = channel;
						return channel;
					}
				}
				catch (IOException ex) {
					lane.failed(connectFailure(lane.currentAddress, ex));
				}
			}
			selector.selectedKeys().clear();
		}
	}

	private long earliest(long now, Lane primary, Lane fallback) {
		long wake = (this.deadline != 0) ? this.deadline : now + 60_000_000_000L;
		wake = primary.wakeBefore(wake);
		if (fallback != null) {
			wake = (fallback.startNanos - now > 0) ? Math.min(wake, fallback.startNanos) : fallback.wakeBefore(wake);
		}
		return wake;
	}

	/** The first failure, the others suppressed: Go reports the primary's first error. */
	private IOException failure(IOException last) {
		if (last != null) {
			this.failures.add(last);
		}
		IOException first = this.failures.get(0);
		for (int i = 1; i < this.failures.size(); i++) {
			first.addSuppressed(this.failures.get(i));
		}
		return first;
	}

	private TransportTimeoutException timeout(InetAddress address, long millis, boolean share) {
		String target = (address != null) ? address.getHostAddress() + ":" + this.port + " (" + this.host + ")"
				: this.host + ":" + this.port;
		String limit = share ? "its share of the " + this.timeoutMillis + " ms " + Limit.DIAL.setting()
				: Limit.DIAL.setting();
		return new TransportTimeoutException(Limit.DIAL,
				"Connect to " + this.role + target + " timed out after " + millis + " ms (" + limit + ")");
	}

	private ConnectException connectFailure(InetAddress address, IOException cause) {
		ConnectException failure = new ConnectException("Connect to " + this.role + address.getHostAddress() + ":"
				+ this.port + " (" + this.host + ") failed: " + cause.getMessage());
		failure.initCause(cause);
		return failure;
	}

	/** One family's addresses, tried one after another. */
	private final class Lane {

		private final List<InetAddress> addresses;

		private int next;

		long startNanos;

		SocketChannel current;

		InetAddress currentAddress;

		long currentDeadline;

		long currentMillis;

		SocketChannel winner;

		Lane(List<InetAddress> addresses, long startNanos) {
			this.addresses = addresses;
			this.startNanos = startNanos;
		}

		boolean hasMore() {
			return this.current != null || this.next < this.addresses.size();
		}

		/**
		 * Ends an attempt past its share of the time, starts the next address if none is
		 * in flight; a channel if one connected at once (loopback may).
		 */
		SocketChannel advance(Selector selector, long now) throws IOException {
			if (this.current != null && this.currentDeadline != 0 && now - this.currentDeadline >= 0) {
				boolean share = this.next < this.addresses.size();
				failed(timeout(this.currentAddress, this.currentMillis, share));
			}
			while (this.current == null && this.next < this.addresses.size()) {
				InetAddress address = this.addresses.get(this.next++);
				int remaining = this.addresses.size() - this.next + 1;
				SocketChannel channel = SocketChannel.open();
				try {
					DialRace.this.configurer.configure(channel);
					channel.configureBlocking(false);
					this.currentAddress = address;
					if (channel.connect(new InetSocketAddress(address, DialRace.this.port))) {
						this.winner = channel;
						return channel;
					}
					channel.register(selector, SelectionKey.OP_CONNECT, this);
					this.current = channel;
					setAttemptDeadline(now, remaining);
				}
				catch (IOException ex) {
					closeQuietly(channel);
					DialRace.this.failures.add(connectFailure(address, ex));
				}
			}
			return null;
		}

		/** Go's {@code partialDeadline}. */
		private void setAttemptDeadline(long now, int remaining) {
			if (DialRace.this.deadline == 0) {
				this.currentDeadline = 0;
				return;
			}
			long left = DialRace.this.deadline - now;
			long share = left / remaining;
			if (share < MIN_ATTEMPT_NANOS) {
				share = Math.min(left, MIN_ATTEMPT_NANOS);
			}
			this.currentDeadline = now + share;
			this.currentMillis = Math.max(1, share / 1_000_000);
		}

		long wakeBefore(long wake) {
			return (this.current != null && this.currentDeadline != 0) ? Math.min(wake, this.currentDeadline) : wake;
		}

		void failed(IOException failure) {
			DialRace.this.failures.add(failure);
			closeQuietly(this.current);
			this.current = null;
		}

		void closeUnlessWinner() {
			if (this.current != null && this.current != this.winner) {
				closeQuietly(this.current);
			}
		}

	}

	private static void closeQuietly(SocketChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// Nothing to do.
		}
	}

}
