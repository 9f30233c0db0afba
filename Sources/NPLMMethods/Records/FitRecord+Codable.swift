import Foundation
import NPLMCore
import NPLMData

/// A record's line: the keys the record always had, so that every line keeps its bytes. A
/// network's fit writes its fields at the top level; a kernel-model record writes `kernel` and,
/// in the network's places, its line fields (`FitRecord.kernelLineFields`). A line with `kernel`
/// reads back as a kernel-model record.
extension FitRecord: Codable {
    enum CodingKeys: String, CodingKey {
        case toy, seed, dataEvents, referenceEvents, aEvents, bEvents, backgroundEvents, signalEvents
        case t, dof, p, z, diverged, divergedAtEpoch, epochs, history, initialParameters, finalParameters
        case campaign, shard, configuration, components, kernel, nuisances, preprocessing
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(toy, forKey: .toy)
        try container.encodeIfPresent(seed, forKey: .seed)
        try container.encodeIfPresent(dataEvents, forKey: .dataEvents)
        try container.encodeIfPresent(referenceEvents, forKey: .referenceEvents)
        try container.encodeIfPresent(aEvents, forKey: .aEvents)
        try container.encodeIfPresent(bEvents, forKey: .bEvents)
        try container.encodeIfPresent(backgroundEvents, forKey: .backgroundEvents)
        try container.encodeIfPresent(signalEvents, forKey: .signalEvents)
        let fields = lineFields
        try container.encode(fields.t, forKey: .t)
        try container.encode(fields.dof, forKey: .dof)
        try container.encode(fields.p, forKey: .p)
        try container.encodeIfPresent(fields.z, forKey: .z)
        try container.encode(fields.diverged, forKey: .diverged)
        try container.encodeIfPresent(fields.divergedAtEpoch, forKey: .divergedAtEpoch)
        try container.encode(fields.epochs, forKey: .epochs)
        try container.encode(fields.history, forKey: .history)
        try container.encode(fields.initialParameters, forKey: .initialParameters)
        try container.encode(fields.finalParameters, forKey: .finalParameters)
        try container.encodeIfPresent(campaign, forKey: .campaign)
        try container.encodeIfPresent(shard, forKey: .shard)
        try container.encodeIfPresent(configuration, forKey: .configuration)
        try container.encodeIfPresent(fields.components, forKey: .components)
        try container.encodeIfPresent(kernel, forKey: .kernel)
        try container.encodeIfPresent(fields.nuisances, forKey: .nuisances)
        try container.encodeIfPresent(preprocessing, forKey: .preprocessing)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let kernel = try container.decodeIfPresent(KernelRecord.self, forKey: .kernel) {
            fit = .kernel(kernel)
        } else {
            fit = .network(NetworkFit(
                t: try container.decode(Double.self, forKey: .t), dof: try container.decode(Int.self, forKey: .dof),
                p: try container.decode(Double.self, forKey: .p), z: try container.decodeIfPresent(Double.self, forKey: .z),
                diverged: try container.decode(Bool.self, forKey: .diverged),
                divergedAtEpoch: try container.decodeIfPresent(Int.self, forKey: .divergedAtEpoch),
                epochs: try container.decode(Int.self, forKey: .epochs),
                history: try container.decode([HistoryPoint].self, forKey: .history),
                initialParameters: try container.decode([Double].self, forKey: .initialParameters),
                finalParameters: try container.decode([Double].self, forKey: .finalParameters),
                components: try container.decodeIfPresent([Double].self, forKey: .components),
                nuisances: try container.decodeIfPresent(NuisanceRecord.self, forKey: .nuisances)))
        }
        toy = try container.decodeIfPresent(Int.self, forKey: .toy)
        seed = try container.decodeIfPresent(UInt64.self, forKey: .seed)
        dataEvents = try container.decodeIfPresent(Int.self, forKey: .dataEvents)
        referenceEvents = try container.decodeIfPresent(Int.self, forKey: .referenceEvents)
        aEvents = try container.decodeIfPresent(Int.self, forKey: .aEvents)
        bEvents = try container.decodeIfPresent(Int.self, forKey: .bEvents)
        backgroundEvents = try container.decodeIfPresent(Int.self, forKey: .backgroundEvents)
        signalEvents = try container.decodeIfPresent(Int.self, forKey: .signalEvents)
        campaign = try container.decodeIfPresent(String.self, forKey: .campaign)
        shard = try container.decodeIfPresent(String.self, forKey: .shard)
        configuration = try container.decodeIfPresent(CampaignConfiguration.self, forKey: .configuration)
        preprocessing = try container.decodeIfPresent(FeatureTransform.self, forKey: .preprocessing)
    }
}
