import ArgumentParser
import LedgerCrypto

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create and inspect ECDSA P-256 key files.",
        subcommands: [Generate.self, Show.self]
    )

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a new P-256 private key (PKCS#8 PEM, mode 0600).",
            discussion: "Example: greenledger keys generate --out keys/green-bank.pem"
        )

        @Option(help: "Where to write the private key. An existing file is never overwritten.")
        var out: String

        @Flag(help: "Print JSON instead of text.")
        var json = false

        func run() throws {
            let key = try SigningKey()
            try KeyFiles.writePrivateKey(key, to: out)
            if json { return print(try CLIJSON.render(KeyInfo(file: out, key: key))) }
            print("wrote \(out)")
            print("public key: \(key.publicKey.hex)")
            print("address:    \(key.publicKey.address)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a key file's public key and account address.",
            discussion: "Example: greenledger keys show keys/green-bank.pem"
        )

        @Argument(help: "A private key file (PKCS#8 PEM).")
        var file: String

        @Flag(help: "Print JSON instead of text.")
        var json = false

        func run() throws {
            let key = try KeyFiles.readPrivateKey(file)
            if json { return print(try CLIJSON.render(KeyInfo(file: file, key: key))) }
            print("public key: \(key.publicKey.hex)")
            print("address:    \(key.publicKey.address)")
        }
    }

    /// `keys … --json`: the public half only.
    struct KeyInfo: Encodable {
        var file: String
        var publicKey: String
        var address: String

        init(file: String, key: SigningKey) {
            self.file = file
            publicKey = key.publicKey.hex
            address = key.publicKey.address.description
        }
    }
}
