package dev.roundtrip.transport;

import java.net.InetAddress;

/**
 * Which addresses the transport may connect to: every address a host resolves to, the
 * proxy's included, is checked at dial time, before connecting. Refused addresses are
 * skipped; when every address of a host is refused the dial fails with a
 * {@link FilteredAddressException}. Checking the addresses the socket is about to connect
 * to, not a separate lookup, leaves no window for DNS rebinding. A server-side request
 * forgery mitigation: allow only external addresses, say, or only one subnet.
 *
 * <p>
 * Through a proxy only the proxy's addresses are checked: the proxy resolves the
 * destination ({@code CONNECT}, SOCKS5 with a host name) and is the one to restrict it. A
 * host with a {@code unix-socket} is not checked: a socket file has no IP address, and it
 * is the configuration, not a request, that names it.
 *
 * <p>
 * Called on the dialing thread, once per address per dial; must be fast, thread-safe and
 * not throw.
 */
@FunctionalInterface
public interface AddressFilter {

	/** Whether the transport may connect to {@code address}. */
	boolean permits(InetAddress address);

}
