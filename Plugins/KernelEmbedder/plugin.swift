import Foundation
import PackagePlugin

/// Embeds the OpenCL kernel sources of `Kernels/*.cl` and `Kernels/*.h` (at the package root; the
/// headers are shared with the C engine) into the target as
/// Swift string literals (`EmbeddedKernels.sources`), so that every build — `swift run`,
/// `swift test`, a release binary copied elsewhere — carries its kernels. SwiftPM resources cannot
/// reach a folder outside the target, hence a plugin.
@main
struct KernelEmbedder: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folder = context.package.directoryURL.appendingPathComponent("Kernels")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let inputs = names.filter { $0.hasSuffix(".cl") || $0.hasSuffix(".h") }.sorted().map { folder.appendingPathComponent($0) }
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedKernels.swift")
        return [.buildCommand(displayName: "Embedding \(inputs.count) OpenCL kernel files",
                              executable: try context.tool(named: "EmbedKernels").url,
                              arguments: [output.path] + inputs.map(\.path),
                              inputFiles: inputs, outputFiles: [output])]
    }
}
