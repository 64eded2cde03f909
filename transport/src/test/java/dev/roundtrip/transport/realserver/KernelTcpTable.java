package dev.roundtrip.transport.realserver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The kernel's own table of TCP sockets, where Linux shows it ({@code /proc/net/tcp} and
 * {@code /proc/net/tcp6}): the one place that says whether a peer's FIN has reached this
 * end of a connection (state {@code CLOSE_WAIT}) without reading from the socket, which
 * would disturb the transport that owns it. Elsewhere it is {@linkplain #isReadable()
 * unreadable} and a test falls back to what it can see.
 */
public final class KernelTcpTable {

	private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

	private KernelTcpTable() {
	}

	/** Whether this machine shows the table. */
	public static boolean isReadable() {
		return TABLES.stream().anyMatch(Files::isReadable);
	}

	/**
	 * The state of the socket whose local port is {@code localPort} and remote port
	 * {@code remotePort}, as the kernel names it ({@code ESTABLISHED}, {@code CLOSE_WAIT}
	 * …), or empty if there is none (or no table).
	 */
	public static Optional<String> state(int localPort, int remotePort) {
		String local = ":" + String.format(Locale.ROOT, "%04X", localPort);
		String remote = ":" + String.format(Locale.ROOT, "%04X", remotePort);
		for (Path table : TABLES) {
			List<String> lines;
			try {
				lines = Files.readAllLines(table);
			}
			catch (IOException ex) {
				continue;
			}
			for (String line : lines) {
				// " sl local_address rem_address st ...", addresses as HEXADDR:HEXPORT
				String[] fields = line.trim().split("\\s+");
				if (fields.length > 3 && fields[1].endsWith(local) && fields[2].endsWith(remote)) {
					return Optional.of(name(fields[3]));
				}
			}
		}
		return Optional.empty();
	}

	private static String name(String hexState) {
		return switch (hexState) {
			case "01" -> "ESTABLISHED";
			case "02" -> "SYN_SENT";
			case "03" -> "SYN_RECV";
			case "04" -> "FIN_WAIT1";
			case "05" -> "FIN_WAIT2";
			case "06" -> "TIME_WAIT";
			case "07" -> "CLOSE";
			case "08" -> "CLOSE_WAIT";
			case "09" -> "LAST_ACK";
			case "0A" -> "LISTEN";
			case "0B" -> "CLOSING";
			default -> "state " + hexState;
		};
	}

}
