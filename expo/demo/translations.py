"""The demo exhibition in the languages of its visitors: Chinese, Vietnamese and Thai texts for the
demo's companies (names, sectors, descriptions), booths and products; Chinese for its edition,
pavilions, forums and sessions; Vietnamese, Thai, Indonesian and Malay for its edition and pavilions.

Written by hand for the demo, keyed by the English text they translate. A record with a non-English
source language (SOURCE_LANGUAGES) is written in that language, and its English becomes a translation.
"""

from __future__ import annotations

# Company names in the languages they go by. Chinese companies have their registered Chinese names;
# the others the names a Chinese, Vietnamese or Thai buyer would write.
COMPANY_NAMES: dict[str, dict[str, str]] = {
    "Nanning Mask Machinery Co.": {
        "zh": "南宁口罩机械有限公司",
        "vi": "Công ty Máy khẩu trang Nam Ninh",
        "th": "บริษัท หนานหนิง แมสก์ แมชชีนเนอรี่",
    },
    "Guangxi Shield Protective Products Co., Ltd.": {
        "zh": "广西盾牌防护用品有限公司",
        "vi": "Công ty TNHH Sản phẩm Bảo hộ Lá Chắn Quảng Tây",
        "th": "บริษัท กว่างซี ชิลด์ โพรเทคทีฟ โปรดักส์ จำกัด",
    },
    "Liuzhou Jiangnan Special Vehicle Co.": {
        "zh": "柳州江南专用车有限公司",
        "vi": "Công ty Xe chuyên dụng Giang Nam Liễu Châu",
        "th": "บริษัท หลิ่วโจว เจียงหนาน รถยนต์พิเศษ",
    },
    "Hanoi Bio-Diagnostics JSC": {
        "zh": "河内生物诊断股份公司",
        "vi": "Công ty Cổ phần Chẩn đoán Sinh học Hà Nội",
        "th": "บริษัท ฮานอย ไบโอ-ไดแอกนอสติกส์",
    },
    "Guilin Dental Supplies Co.": {
        "zh": "桂林齿科用品有限公司",
        "vi": "Công ty Vật tư Nha khoa Quế Lâm",
        "th": "บริษัท กุ้ยหลิน เดนทัล ซัพพลายส์",
    },
    "Lion City MedTech Pte. Ltd.": {
        "zh": "狮城医疗科技私人有限公司",
        "vi": "Công ty Lion City MedTech",
        "th": "บริษัท ไลออน ซิตี้ เมดเทค จำกัด",
    },
    "Manila Generic Pharma Laboratories Inc.": {
        "zh": "马尼拉仿制药实验室公司",
        "vi": "Phòng thí nghiệm Dược phẩm Generic Manila",
        "th": "บริษัท มะนิลา เจเนริก ฟาร์มา แลบอราทอรีส์",
    },
    "Guangxi Zhuang Herbal Medicine Co.": {
        "zh": "广西壮药材有限公司",
        "vi": "Công ty Dược liệu Choang Quảng Tây",
        "th": "บริษัท สมุนไพรจ้วง กว่างซี",
    },
    "Jamu Nusantara": {"zh": "努山塔拉佳木草药", "vi": "Jamu Nusantara", "th": "จามู นูซันตารา"},
    "Chiang Mai Herbal Spa Supplies": {
        "zh": "清迈草本水疗用品",
        "vi": "Vật tư Spa Thảo dược Chiang Mai",
        "th": "เชียงใหม่ เฮอร์บัล สปา ซัพพลายส์",
    },
    "Buon Ma Thuot Coffee Export JSC": {
        "zh": "邦美蜀咖啡出口股份公司",
        "vi": "Công ty Cổ phần Xuất khẩu Cà phê Buôn Ma Thuột",
        "th": "บริษัท บวนมาถวด คอฟฟี่ เอ็กซ์ปอร์ต",
    },
    "Musang King Durian Malaysia Sdn. Bhd.": {
        "zh": "马来西亚猫山王榴莲有限公司",
        "vi": "Công ty Sầu riêng Musang King Malaysia",
        "th": "บริษัท ทุเรียนมูซังคิง มาเลเซีย",
    },
    "Lampung Spice Trading": {"zh": "楠榜香料贸易", "vi": "Thương mại Gia vị Lampung", "th": "ลัมปุง สไปซ์ เทรดดิ้ง"},
    "Beibu Gulf Steel Co., Ltd.": {
        "zh": "北部湾钢铁有限公司",
        "vi": "Công ty TNHH Thép Vịnh Bắc Bộ",
        "th": "บริษัท เป่ยปู้อ่าว สตีล จำกัด",
    },
    "Riau Pulp and Paper Mills": {
        "zh": "廖内纸浆造纸厂",
        "vi": "Nhà máy Bột giấy và Giấy Riau",
        "th": "โรงงานเยื่อและกระดาษเรียว",
    },
    "Songkhla Natural Rubber Co., Ltd.": {
        "zh": "宋卡天然橡胶有限公司",
        "vi": "Công ty TNHH Cao su Thiên nhiên Songkhla",
        "th": "บริษัท ยางธรรมชาติสงขลา จำกัด",
    },
    "Guigang Cane Sugar Co.": {
        "zh": "贵港蔗糖有限公司",
        "vi": "Công ty Đường mía Quý Cảng",
        "th": "บริษัท น้ำตาลอ้อยกุ้ยก่าง",
    },
    "Brunei Halal Kitchen Sdn. Bhd.": {
        "zh": "文莱清真厨房有限公司",
        "vi": "Công ty Bếp Halal Brunei",
        "th": "บริษัท บรูไน ฮาลาล คิทเช่น",
    },
    "Battambang Rice Millers Co., Ltd.": {
        "zh": "马德望碾米有限公司",
        "vi": "Công ty TNHH Xay xát gạo Battambang",
        "th": "บริษัท โรงสีข้าวพระตะบอง จำกัด",
    },
    "Kampot Pepper Farmers Cooperative": {
        "zh": "贡布胡椒农民合作社",
        "vi": "Hợp tác xã Nông dân Tiêu Kampot",
        "th": "สหกรณ์ผู้ปลูกพริกไทยกำปอต",
    },
    "Surabaya Coconut and Cocoa Industries": {
        "zh": "泗水椰子可可工业",
        "vi": "Công nghiệp Dừa và Ca cao Surabaya",
        "th": "อุตสาหกรรมมะพร้าวและโกโก้สุราบายา",
    },
    "Bolaven Plateau Coffee": {"zh": "波罗芬高原咖啡", "vi": "Cà phê Cao nguyên Bolaven", "th": "กาแฟที่ราบสูงโบลาเวน"},
    "Lao Herbal Wellness": {"zh": "老挝草本养生", "vi": "Thảo dược Sức khỏe Lào", "th": "สมุนไพรเพื่อสุขภาพลาว"},
    "Selangor Glove Industries Sdn. Bhd.": {
        "zh": "雪兰莪手套工业有限公司",
        "vi": "Công ty Công nghiệp Găng tay Selangor",
        "th": "บริษัท อุตสาหกรรมถุงมือสลังงอร์",
    },
    "Golden Land Pulses and Beans": {
        "zh": "金色大地豆类",
        "vi": "Đậu và Hạt Golden Land",
        "th": "โกลเด้นแลนด์ ถั่วและธัญพืช",
    },
    "Thanaka Golden Myanmar Co.": {
        "zh": "缅甸黄金黄香楝公司",
        "vi": "Công ty Thanaka Vàng Myanmar",
        "th": "บริษัท ทานาคาโกลเด้นเมียนมา",
    },
    "Davao Tropical Fruit Processors Inc.": {
        "zh": "达沃热带水果加工公司",
        "vi": "Công ty Chế biến Trái cây Nhiệt đới Davao",
        "th": "บริษัท ดาเวา ผลไม้เมืองร้อนแปรรูป",
    },
    "Straits Cold Chain Logistics Pte. Ltd.": {
        "zh": "海峡冷链物流私人有限公司",
        "vi": "Công ty Logistics Chuỗi lạnh Straits",
        "th": "บริษัท สเตรทส์ โคลด์เชน โลจิสติกส์ จำกัด",
    },
    "Siam Hom Mali Rice Exporters Co., Ltd.": {
        "zh": "暹罗香米出口有限公司",
        "vi": "Công ty TNHH Xuất khẩu Gạo Hom Mali Xiêm",
        "th": "บริษัท สยามหอมมะลิ ผู้ส่งออกข้าว จำกัด",
    },
    "Saigon Nonwoven Fabrics JSC": {
        "zh": "西贡无纺布股份公司",
        "vi": "Công ty Cổ phần Vải không dệt Sài Gòn",
        "th": "บริษัท ไซ่ง่อน นอนวูฟเวน แฟบริกส์",
    },
    "Quang Ninh Seafood JSC": {
        "zh": "广宁海产股份公司",
        "vi": "Công ty Cổ phần Thủy sản Quảng Ninh",
        "th": "บริษัท อาหารทะเลกว๋างนิญ",
    },
    "Cebu Rattan Furniture Makers": {
        "zh": "宿务藤制家具厂",
        "vi": "Xưởng Nội thất Mây Cebu",
        "th": "ช่างเฟอร์นิเจอร์หวายเซบู",
    },
    "Phnom Penh Silk Weavers": {"zh": "金边丝绸织造坊", "vi": "Thợ dệt Lụa Phnôm Pênh", "th": "ช่างทอผ้าไหมพนมเปญ"},
}

# Booth taglines.
TAGLINES: dict[str, dict[str, str]] = {
    "Nanning Mask Machinery Co.": {
        "zh": "日夜运转的口罩机生产线，随机附送备件与培训",
        "vi": "Dây chuyền máy sản xuất khẩu trang chạy ngày đêm, kèm phụ tùng và đào tạo",
        "th": "สายการผลิตเครื่องทำหน้ากากอนามัยที่เดินเครื่องทั้งวันทั้งคืน พร้อมอะไหล่และการฝึกอบรม",
    },
    "Guangxi Shield Protective Products Co., Ltd.": {
        "zh": "供医院和边境口岸使用的防护服、隔离衣和护目镜",
        "vi": "Quần áo bảo hộ, áo choàng cách ly và kính bảo hộ cho bệnh viện và cửa khẩu",
        "th": "ชุดป้องกัน เสื้อกาวน์แยกโรค และแว่นครอบตาสำหรับโรงพยาบาลและด่านชายแดน",
    },
    "Liuzhou Jiangnan Special Vehicle Co.": {
        "zh": "负压救护车和移动核酸检测实验室",
        "vi": "Xe cứu thương áp lực âm và phòng xét nghiệm axit nucleic di động",
        "th": "รถพยาบาลความดันลบและห้องปฏิบัติการตรวจกรดนิวคลีอิกเคลื่อนที่",
    },
    "Hanoi Bio-Diagnostics JSC": {
        "zh": "越南制造的热带疾病快速检测试剂和 PCR 试剂盒",
        "vi": "Xét nghiệm nhanh và bộ kit PCR sản xuất tại Việt Nam cho các bệnh nhiệt đới",
        "th": "ชุดตรวจเร็วและชุด PCR ผลิตในเวียดนามสำหรับโรคเขตร้อน",
    },
    "Guilin Dental Supplies Co.": {
        "zh": "牙科诊所所需的一切，从复合树脂到种植体",
        "vi": "Mọi thứ phòng khám nha khoa cần, từ nhựa composite đến implant",
        "th": "ทุกอย่างที่คลินิกทันตกรรมต้องการ ตั้งแต่เรซินคอมโพสิตถึงรากฟันเทียม",
    },
    "Lion City MedTech Pte. Ltd.": {
        "zh": "新加坡设计、服务东盟各地医院的病人监护设备",
        "vi": "Thiết bị theo dõi bệnh nhân thiết kế tại Singapore cho các bệnh viện khắp ASEAN",
        "th": "เครื่องติดตามผู้ป่วยออกแบบในสิงคโปร์ สำหรับโรงพยาบาลทั่วอาเซียน",
    },
    "Manila Generic Pharma Laboratories Inc.": {
        "zh": "来自拉古纳、通过世卫组织 GMP 认证的基本仿制药",
        "vi": "Thuốc generic thiết yếu đạt chuẩn WHO-GMP từ Laguna",
        "th": "ยาสามัญจำเป็นที่ได้รับรอง WHO-GMP จากลากูนา",
    },
    "Guangxi Zhuang Herbal Medicine Co.": {
        "zh": "罗汉果、三七等广西药材，本地种植、本地提取",
        "vi": "La hán quả, tam thất và dược liệu Quảng Tây, trồng và chiết xuất tại chỗ",
        "th": "หล่อฮังก๊วย ซานชี และสมุนไพรกว่างซี ปลูกและสกัดในบ้านเกิด",
    },
    "Jamu Nusantara": {
        "zh": "源自家传配方、按现代标准在中爪哇制作的印尼佳木草药",
        "vi": "Jamu Indonesia từ công thức gia truyền, sản xuất theo tiêu chuẩn hiện đại tại Trung Java",
        "th": "จามูอินโดนีเซียจากสูตรครอบครัว ผลิตตามมาตรฐานสมัยใหม่ในชวากลาง",
    },
    "Chiang Mai Herbal Spa Supplies": {
        "zh": "来自泰国北部的草药球、香膏和水疗课程",
        "vi": "Túi chườm thảo dược, dầu cù là và chương trình spa từ miền Bắc Thái Lan",
        "th": "ลูกประคบสมุนไพร ยาหม่อง และโปรแกรมสปาจากภาคเหนือของไทย",
    },
    "Buon Ma Thuot Coffee Export JSC": {
        "zh": "西原地区的罗布斯塔咖啡，生豆或按单烘焙",
        "vi": "Robusta Tây Nguyên, cà phê nhân hoặc rang theo đơn đặt hàng",
        "th": "โรบัสต้าจากที่ราบสูงตอนกลาง ทั้งเมล็ดดิบและคั่วตามสั่ง",
    },
    "Musang King Durian Malaysia Sdn. Bhd.": {
        "zh": "彭亨州的猫山王和黑刺榴莲，在果园就地冷冻",
        "vi": "Sầu riêng Musang King và Gai Đen từ Pahang, cấp đông ngay tại vườn",
        "th": "ทุเรียนมูซังคิงและหนามดำจากปาหัง แช่แข็งที่สวน",
    },
    "Lampung Spice Trading": {
        "zh": "来自最初的香料群岛的胡椒、丁香和肉豆蔻",
        "vi": "Hồ tiêu, đinh hương và nhục đậu khấu từ Quần đảo Gia vị nguyên bản",
        "th": "พริกไทย กานพลู และจันทน์เทศจากหมู่เกาะเครื่องเทศดั้งเดิม",
    },
    "Beibu Gulf Steel Co., Ltd.": {
        "zh": "防城港出品的热轧卷板、螺纹钢和型钢，距东盟仅一天航程",
        "vi": "Thép cuộn cán nóng, thép cây và thép hình từ Phòng Thành Cảng, cách ASEAN một ngày tàu",
        "th": "เหล็กม้วนรีดร้อน เหล็กข้ออ้อย และเหล็กรูปพรรณจากฝางเฉิงกั่ง ห่างอาเซียนเพียงหนึ่งวันเดินเรือ",
    },
    "Riau Pulp and Paper Mills": {
        "zh": "以廖内人工林纤维制造的复印纸、牛皮纸和生活用纸",
        "vi": "Giấy photocopy, giấy kraft và giấy vệ sinh từ sợi rừng trồng ở Riau",
        "th": "กระดาษถ่ายเอกสาร กระดาษคราฟท์ และกระดาษทิชชูจากเส้นใยป่าปลูกในเรียว",
    },
    "Songkhla Natural Rubber Co., Ltd.": {
        "zh": "来自泰国南部小胶农的烟片胶、标准胶和胶乳",
        "vi": "Cao su tờ xông khói, cao su khối và mủ latex từ nông hộ miền Nam Thái Lan",
        "th": "ยางแผ่นรมควัน ยางแท่ง และน้ำยางข้นจากเกษตรกรรายย่อยภาคใต้ของไทย",
    },
    "Guigang Cane Sugar Co.": {
        "zh": "广西种植了中国大部分的甘蔗：贵港出产的白砂糖、原糖和红糖",
        "vi": "Quảng Tây trồng phần lớn mía của Trung Quốc: đường tinh luyện, đường thô và đường nâu từ Quý Cảng",
        "th": "กว่างซีปลูกอ้อยมากที่สุดของจีน: น้ำตาลทรายขาว น้ำตาลดิบ และน้ำตาลทรายแดงจากกุ้ยก่าง",
    },
    "Brunei Halal Kitchen Sdn. Bhd.": {
        "zh": "文莱清真品牌的酱料、零食和即食餐",
        "vi": "Nước sốt, đồ ăn vặt và bữa ăn sẵn halal của Brunei mang thương hiệu Brunei Halal",
        "th": "ซอส ขนม และอาหารพร้อมทานฮาลาลของบรูไนภายใต้แบรนด์ Brunei Halal",
    },
    "Battambang Rice Millers Co., Ltd.": {
        "zh": "世界最佳大米 Phka Rumduol，在柬埔寨的粮仓碾制",
        "vi": "Phka Rumduol, loại gạo ngon nhất thế giới, xay xát tại vựa lúa Campuchia",
        "th": "ผกาลำดวน ข้าวที่ดีที่สุดในโลก สีที่อู่ข้าวอู่น้ำของกัมพูชา",
    },
    "Kampot Pepper Farmers Cooperative": {
        "zh": "贡布胡椒，自 2010 年起受地理标志保护",
        "vi": "Tiêu Kampot, được bảo hộ chỉ dẫn địa lý từ năm 2010",
        "th": "พริกไทยกำปอต สิ่งบ่งชี้ทางภูมิศาสตร์ที่ได้รับการคุ้มครองตั้งแต่ปี 2010",
    },
    "Surabaya Coconut and Cocoa Industries": {
        "zh": "来自东爪哇的椰子油、椰蓉和可可",
        "vi": "Dầu dừa, cơm dừa nạo sấy và ca cao từ Đông Java",
        "th": "น้ำมันมะพร้าว มะพร้าวขูดอบแห้ง และโกโก้จากชวาตะวันออก",
    },
    "Bolaven Plateau Coffee": {
        "zh": "来自老挝南部巴松火山土壤的阿拉比卡咖啡",
        "vi": "Arabica từ đất núi lửa Paksong, miền Nam Lào",
        "th": "อาราบิก้าจากดินภูเขาไฟปากซอง ลาวใต้",
    },
    "Lao Herbal Wellness": {
        "zh": "来自老挝森林的草药桑拿和草药制品",
        "vi": "Xông hơi thảo dược và bài thuốc từ rừng Lào",
        "th": "การอบสมุนไพรและยาสมุนไพรจากป่าลาว",
    },
    "Selangor Glove Industries Sdn. Bhd.": {
        "zh": "来自世界手套生产国马来西亚的丁腈手套和乳胶手套",
        "vi": "Găng tay nitrile và latex từ Malaysia, công xưởng găng tay của thế giới",
        "th": "ถุงมือไนไตรล์และถุงมือยางจากมาเลเซีย ผู้ผลิตถุงมือของโลก",
    },
    "Golden Land Pulses and Beans": {
        "zh": "来自伊洛瓦底江和干旱地区的绿豆、木豆和芝麻",
        "vi": "Đậu xanh, đậu triều và vừng từ vùng Ayeyarwady và vùng khô hạn",
        "th": "ถั่วเขียว ถั่วมะแฮะ และงาจากลุ่มน้ำอิรวดีและเขตแห้งแล้ง",
    },
    "Thanaka Golden Myanmar Co.": {
        "zh": "黄香楝，取自瑞冒树皮的缅甸天然防晒品",
        "vi": "Thanaka, kem chống nắng tự nhiên của Myanmar, từ vỏ cây vùng Shwebo",
        "th": "ทานาคา ครีมกันแดดธรรมชาติของเมียนมา จากเปลือกไม้แห่งชเวโบ",
    },
    "Davao Tropical Fruit Processors Inc.": {
        "zh": "来自棉兰老岛的芒果干、香蕉片和椰子水",
        "vi": "Xoài sấy, chuối sấy giòn và nước dừa từ Mindanao",
        "th": "มะม่วงอบแห้ง กล้วยทอดกรอบ และน้ำมะพร้าวจากมินดาเนา",
    },
    "Straits Cold Chain Logistics Pte. Ltd.": {
        "zh": "为疫苗、水果和海鲜提供覆盖东盟与中国的温控运输",
        "vi": "Vận chuyển kiểm soát nhiệt độ cho vắc-xin, trái cây và hải sản khắp ASEAN và Trung Quốc",
        "th": "ขนส่งควบคุมอุณหภูมิสำหรับวัคซีน ผลไม้ และอาหารทะเลทั่วอาเซียนและจีน",
    },
    "Siam Hom Mali Rice Exporters Co., Ltd.": {
        "zh": "来自通古拉荣海平原的泰国茉莉香米",
        "vi": "Gạo thơm Hom Mali Thái Lan từ cánh đồng Thung Kula Rong Hai",
        "th": "ข้าวหอมมะลิไทยจากทุ่งกุลาร้องไห้",
    },
    "Saigon Nonwoven Fabrics JSC": {
        "zh": "用于口罩、防护服和卫生用品的纺粘和熔喷无纺布",
        "vi": "Vải không dệt spunbond và melt-blown cho khẩu trang, áo choàng và sản phẩm vệ sinh",
        "th": "ผ้าไม่ทอสปันบอนด์และเมลต์โบลน์สำหรับหน้ากากอนามัย ชุดกาวน์ และผลิตภัณฑ์อนามัย",
    },
    "Quang Ninh Seafood JSC": {
        "zh": "来自下龙湾的虾、鱿鱼和蛤蜊，码头即冻",
        "vi": "Tôm, mực và nghêu từ vịnh Hạ Long, cấp đông ngay trên bến",
        "th": "กุ้ง ปลาหมึก และหอยจากอ่าวฮาลอง แช่แข็งที่ท่าเรือ",
    },
    "Cebu Rattan Furniture Makers": {
        "zh": "宿务手工编织的藤制家具，适合酒店和家居",
        "vi": "Nội thất mây đan tay từ Cebu cho khách sạn và gia đình",
        "th": "เฟอร์นิเจอร์หวายสานมือจากเซบู สำหรับโรงแรมและบ้าน",
    },
    "Phnom Penh Silk Weavers": {
        "zh": "用传统织机织成的金丝围巾和纱笼",
        "vi": "Khăn lụa vàng và sampot dệt trên khung cửi truyền thống",
        "th": "ผ้าพันคอไหมทองและผ้าซัมปอตทอด้วยกี่แบบดั้งเดิม",
    },
}

# Product names: (Chinese, Vietnamese, Thai).
PRODUCT_NAMES: dict[str, tuple[str, str, str]] = {
    # Nanning Mask Machinery
    "Fully Automatic Flat Mask Production Line": (
        "全自动平面口罩生产线",
        "Dây chuyền sản xuất khẩu trang phẳng tự động hoàn toàn",
        "สายการผลิตหน้ากากอนามัยแบบแบนอัตโนมัติเต็มรูปแบบ",
    ),
    "KN95 Mask Production Line": ("KN95 口罩生产线", "Dây chuyền sản xuất khẩu trang KN95", "สายการผลิตหน้ากาก KN95"),
    "Semi-automatic Ear-loop Welding Machine": (
        "半自动口罩耳带焊接机",
        "Máy hàn quai đeo khẩu trang bán tự động",
        "เครื่องเชื่อมสายคล้องหูหน้ากากกึ่งอัตโนมัติ",
    ),
    "Mask Blank Making Machine": ("口罩本体机", "Máy làm thân khẩu trang", "เครื่องผลิตตัวหน้ากากอนามัย"),
    "Ultrasonic Welding Horn (spare part)": (
        "超声波焊头（备件）",
        "Đầu hàn siêu âm (phụ tùng)",
        "หัวเชื่อมอัลตราโซนิก (อะไหล่)",
    ),
    "Aluminium Nose Wire, 3 mm": (
        "口罩铝鼻梁条，3 毫米",
        "Nẹp mũi nhôm cho khẩu trang, 3 mm",
        "ลวดจมูกอะลูมิเนียมสำหรับหน้ากาก 3 มม.",
    ),
    "Spare Parts Kit for One Year": ("一年用备件包", "Bộ phụ tùng dùng một năm", "ชุดอะไหล่สำหรับหนึ่งปี"),
    "Remote Commissioning and Operator Training": (
        "远程调试与操作员培训",
        "Chạy thử từ xa và đào tạo vận hành",
        "การติดตั้งทดสอบระยะไกลและการฝึกอบรมผู้ควบคุมเครื่อง",
    ),
    # Guangxi Shield
    "Medical Protective Coverall, Type 5/6": (
        "医用防护服，5/6 型",
        "Bộ quần áo bảo hộ y tế liền thân, loại 5/6",
        "ชุดป้องกันทางการแพทย์แบบหมี ประเภท 5/6",
    ),
    "Isolation Gown, Level 2": ("隔离衣，2 级", "Áo choàng cách ly, cấp độ 2", "เสื้อกาวน์แยกโรค ระดับ 2"),
    "Anti-fog Medical Goggles": ("医用防雾护目镜", "Kính bảo hộ y tế chống mờ", "แว่นครอบตาทางการแพทย์กันฝ้า"),
    "Full Face Shield": ("全脸防护面屏", "Tấm chắn giọt bắn toàn mặt", "หน้ากากเฟซชิลด์แบบเต็มหน้า"),
    "Nitrile Examination Gloves, powder-free": (
        "无粉丁腈检查手套",
        "Găng tay khám nitrile, không bột",
        "ถุงมือตรวจโรคไนไตรล์ ไม่มีแป้ง",
    ),
    "Disposable Shoe Covers": ("一次性鞋套", "Bọc giày dùng một lần", "ถุงหุ้มรองเท้าแบบใช้แล้วทิ้ง"),
    "Medical Surgical Mask, Type IIR": (
        "医用外科口罩，IIR 型",
        "Khẩu trang y tế phẫu thuật, loại IIR",
        "หน้ากากอนามัยทางการแพทย์ชนิดผ่าตัด ประเภท IIR",
    ),
    "KN95 Respirator": ("KN95 防护口罩", "Khẩu trang KN95", "หน้ากาก KN95"),
    "Protective Hood with Shoulder Cover": ("带披肩防护头罩", "Mũ trùm bảo hộ có che vai", "หมวกคลุมป้องกันพร้อมผ้าคลุมไหล่"),
    "Medical Protective Kit": ("医用防护套装", "Bộ đồ bảo hộ y tế", "ชุดอุปกรณ์ป้องกันทางการแพทย์"),
    # Liuzhou Jiangnan Special Vehicle
    "Negative Pressure Ambulance": ("负压救护车", "Xe cứu thương áp lực âm", "รถพยาบาลความดันลบ"),
    "Nucleic Acid Detection Vehicle": ("核酸检测车", "Xe xét nghiệm axit nucleic", "รถตรวจกรดนิวคลีอิก"),
    "Mobile Vaccination Vehicle": ("移动疫苗接种车", "Xe tiêm chủng lưu động", "รถฉีดวัคซีนเคลื่อนที่"),
    "Mobile Fever Screening Station": ("移动发热筛查站", "Trạm sàng lọc sốt di động", "สถานีคัดกรองไข้เคลื่อนที่"),
    "Ambulance Stretcher with Loading System": (
        "带装载系统的救护担架",
        "Cáng cứu thương có hệ thống nâng",
        "เปลพยาบาลพร้อมระบบขึ้นรถ",
    ),
    # Hanoi Bio-Diagnostics
    "SARS-CoV-2 Antigen Rapid Test": (
        "新冠病毒抗原快速检测试剂",
        "Xét nghiệm nhanh kháng nguyên SARS-CoV-2",
        "ชุดตรวจแอนติเจนแบบเร็ว SARS-CoV-2",
    ),
    "SARS-CoV-2 RT-PCR Kit": ("新冠病毒 RT-PCR 检测试剂盒", "Bộ kit RT-PCR SARS-CoV-2", "ชุดตรวจ RT-PCR SARS-CoV-2"),
    "Dengue NS1 Antigen Rapid Test": (
        "登革热 NS1 抗原快速检测试剂",
        "Xét nghiệm nhanh kháng nguyên NS1 sốt xuất huyết",
        "ชุดตรวจเร็วแอนติเจน NS1 ไข้เลือดออก",
    ),
    "Malaria Pf/Pv Rapid Test": ("疟疾 Pf/Pv 快速检测试剂", "Xét nghiệm nhanh sốt rét Pf/Pv", "ชุดตรวจเร็วมาลาเรีย Pf/Pv"),
    "Viral Transport Medium Tubes": (
        "病毒采样保存管",
        "Ống môi trường vận chuyển virus",
        "หลอดอาหารเลี้ยงเชื้อสำหรับขนส่งไวรัส",
    ),
    "Hand, Foot and Mouth Disease EV71 IgM Test": (
        "手足口病 EV71 IgM 检测试剂",
        "Xét nghiệm IgM EV71 bệnh tay chân miệng",
        "ชุดตรวจ IgM EV71 โรคมือ เท้า ปาก",
    ),
    # Guilin Dental Supplies
    "Light-cure Nano Composite Resin": (
        "光固化纳米复合树脂",
        "Nhựa composite nano quang trùng hợp",
        "เรซินคอมโพสิตนาโนชนิดบ่มด้วยแสง",
    ),
    "Dental Treatment Unit": ("牙科综合治疗台", "Ghế nha khoa", "ยูนิตทำฟัน"),
    "Titanium Dental Implant System": ("钛种植体系统", "Hệ thống implant nha khoa titan", "ระบบรากฟันเทียมไทเทเนียม"),
    "Orthodontic Metal Brackets": ("正畸金属托槽", "Mắc cài kim loại chỉnh nha", "แบร็กเก็ตโลหะจัดฟัน"),
    "High-speed Dental Handpiece": ("高速牙科手机", "Tay khoan nha khoa tốc độ cao", "หัวกรอฟันความเร็วสูง"),
    "Alginate Impression Material": ("藻酸盐印模材料", "Vật liệu lấy dấu alginate", "วัสดุพิมพ์ปากอัลจิเนต"),
    "Disposable Dental Examination Kit": (
        "一次性口腔检查器械盒",
        "Bộ dụng cụ khám răng dùng một lần",
        "ชุดตรวจฟันแบบใช้แล้วทิ้ง",
    ),
    # Lion City MedTech
    "Bedside Patient Monitor, 12.1 inch": (
        "床旁病人监护仪，12.1 英寸",
        "Máy theo dõi bệnh nhân đầu giường, 12,1 inch",
        "เครื่องติดตามผู้ป่วยข้างเตียง 12.1 นิ้ว",
    ),
    "Fingertip Pulse Oximeter": ("指夹式脉搏血氧仪", "Máy đo nồng độ oxy đầu ngón tay", "เครื่องวัดออกซิเจนปลายนิ้ว"),
    "Volumetric Infusion Pump": ("容量输液泵", "Bơm truyền dịch thể tích", "เครื่องควบคุมการให้สารละลายทางหลอดเลือด"),
    "Central Monitoring Station": ("中央监护站", "Trạm theo dõi trung tâm", "สถานีติดตามผู้ป่วยส่วนกลาง"),
    "Wearable ECG Patch": ("可穿戴心电贴", "Miếng dán điện tim đeo được", "แผ่นแปะวัดคลื่นไฟฟ้าหัวใจแบบสวมใส่"),
    # Manila Generic Pharma
    "Paracetamol 500 mg Tablets": (
        "对乙酰氨基酚片 500 毫克",
        "Viên nén paracetamol 500 mg",
        "ยาเม็ดพาราเซตามอล 500 มก.",
    ),
    "Amoxicillin 500 mg Capsules": (
        "阿莫西林胶囊 500 毫克",
        "Viên nang amoxicillin 500 mg",
        "ยาแคปซูลอะม็อกซีซิลลิน 500 มก.",
    ),
    "Oral Rehydration Salts, low osmolarity": ("低渗口服补液盐", "Oresol, độ thẩm thấu thấp", "ผงเกลือแร่ชนิดออสโมลาริตีต่ำ"),
    "Vitamin C 500 mg Tablets": ("维生素 C 片 500 毫克", "Viên nén vitamin C 500 mg", "ยาเม็ดวิตามินซี 500 มก."),
    "Salbutamol 2 mg/5 ml Syrup": (
        "沙丁胺醇糖浆 2 毫克/5 毫升",
        "Siro salbutamol 2 mg/5 ml",
        "ยาน้ำเชื่อมซัลบูทามอล 2 มก./5 มล.",
    ),
    # Guangxi Zhuang Herbal Medicine
    "Luo Han Guo Extract, 25 % Mogroside V": (
        "罗汉果提取物，罗汉果苷 V 25%",
        "Chiết xuất la hán quả, 25 % mogroside V",
        "สารสกัดหล่อฮังก๊วย โมโกรไซด์ V 25%",
    ),
    "Sanqi (Panax notoginseng) Root Powder": ("三七粉", "Bột rễ tam thất", "ผงรากซานชี (โสมจีน)"),
    "Herbal Cooling Tea Granules": ("凉茶颗粒", "Cốm trà thảo mộc thanh nhiệt", "เครื่องดื่มสมุนไพรชนิดเกล็ดแก้ร้อนใน"),
    "Medicated Massage Oil": ("药用按摩油", "Dầu xoa bóp", "น้ำมันนวดสมุนไพร"),
    "Dried Gynostemma Herb": ("绞股蓝干品", "Giảo cổ lam khô", "เจียวกู่หลานอบแห้ง"),
    "Ginger and Jujube Paste": ("姜枣膏", "Cao gừng táo đỏ", "ซอสขิงพุทราจีนเข้มข้น"),
    # Jamu Nusantara
    "Kunyit Asam (Turmeric and Tamarind) Drink": (
        "姜黄罗望子饮料",
        "Nước uống nghệ me (Kunyit Asam)",
        "เครื่องดื่มขมิ้นมะขาม (คูนยิต อาซัม)",
    ),
    "Temulawak Capsules": ("爪哇姜黄胶囊", "Viên nang nghệ Java (Temulawak)", "แคปซูลขมิ้นชวา (เตมูลาวัก)"),
    "Minyak Kayu Putih (Cajuput Oil)": ("白千层油", "Dầu tràm (Minyak Kayu Putih)", "น้ำมันเสม็ด (มินยัก กายู ปูติห์)"),
    "Instant Ginger Drink (Jahe Merah)": (
        "速溶红姜饮",
        "Trà gừng đỏ hòa tan (Jahe Merah)",
        "เครื่องดื่มขิงแดงสำเร็จรูป (จาเฮ เมราห์)",
    ),
    "Beras Kencur Powder": ("米沙姜粉", "Bột gạo địa liền (Beras Kencur)", "ผงข้าวเปราะหอม (เบอรัส เกินจูร์)"),
    # Chiang Mai Herbal Spa Supplies
    "Thai Herbal Compress Ball": ("泰式草药球", "Túi chườm thảo dược Thái", "ลูกประคบสมุนไพรไทย"),
    "Green Herbal Balm": ("青草药膏", "Dầu cù là thảo dược xanh", "ยาหม่องสมุนไพรเขียว"),
    "Plai Massage Oil": ("泰国姜按摩油", "Dầu massage gừng Plai", "น้ำมันนวดไพล"),
    "Five-day Wellness Stay for Groups": (
        "团体五日养生之旅",
        "Kỳ nghỉ dưỡng sức khỏe năm ngày cho đoàn",
        "แพ็กเกจพักฟื้นสุขภาพห้าวันสำหรับกลุ่ม",
    ),
    "Thai Massage Course for Therapists": (
        "面向理疗师的泰式按摩课程",
        "Khóa học massage Thái cho kỹ thuật viên",
        "หลักสูตรนวดไทยสำหรับนักบำบัด",
    ),
    # Buon Ma Thuot Coffee
    "Robusta Green Coffee Beans, Grade 1, Screen 18": (
        "罗布斯塔咖啡生豆，一级，18 目",
        "Cà phê nhân Robusta loại 1, sàng 18",
        "เมล็ดกาแฟดิบโรบัสต้า เกรด 1 ขนาด 18",
    ),
    "Fine Robusta, Honey Processed": (
        "精品罗布斯塔，蜜处理",
        "Robusta chất lượng cao, chế biến mật ong",
        "ไฟน์โรบัสต้า กระบวนการฮันนี่",
    ),
    "Roasted Coffee Beans, Medium-dark": ("中深烘焙咖啡豆", "Cà phê hạt rang vừa đậm", "เมล็ดกาแฟคั่วกลางค่อนเข้ม"),
    "Vietnamese Instant Coffee 3 in 1": (
        "越南三合一速溶咖啡",
        "Cà phê hòa tan 3 trong 1 Việt Nam",
        "กาแฟสำเร็จรูปเวียดนาม 3 อิน 1",
    ),
    "Phin Filter Ground Coffee": ("越南滴滤壶咖啡粉", "Cà phê bột pha phin", "กาแฟบดสำหรับดริปฟิน"),
    "Coffee Cascara (Dried Cherry Husk)": (
        "咖啡果皮茶（干咖啡果壳）",
        "Cascara (vỏ quả cà phê sấy khô)",
        "คาสคาร่า (เปลือกผลกาแฟอบแห้ง)",
    ),
    # Musang King Durian Malaysia
    "Musang King Durian, frozen whole": (
        "猫山王榴莲，整颗冷冻",
        "Sầu riêng Musang King nguyên trái đông lạnh",
        "ทุเรียนมูซังคิงแช่แข็งทั้งลูก",
    ),
    "Musang King Durian Pulp, frozen": (
        "猫山王榴莲果肉，冷冻",
        "Cơm sầu riêng Musang King đông lạnh",
        "เนื้อทุเรียนมูซังคิงแช่แข็ง",
    ),
    "Black Thorn Durian, frozen whole": (
        "黑刺榴莲，整颗冷冻",
        "Sầu riêng Gai Đen nguyên trái đông lạnh",
        "ทุเรียนหนามดำแช่แข็งทั้งลูก",
    ),
    "Freeze-dried Durian Chips": ("冻干榴莲片", "Sầu riêng sấy thăng hoa", "ทุเรียนฟรีซดราย"),
    "Durian Paste for Bakeries": ("烘焙用榴莲酱", "Nhân sầu riêng cho tiệm bánh", "ทุเรียนกวนสำหรับร้านเบเกอรี่"),
    # Lampung Spice Trading
    "Lampung Black Pepper, ASTA 550 g/l": (
        "楠榜黑胡椒，ASTA 550 克/升",
        "Tiêu đen Lampung, ASTA 550 g/l",
        "พริกไทยดำลัมปุง ASTA 550 ก./ล.",
    ),
    "Muntok White Pepper": ("文岛白胡椒", "Tiêu trắng Muntok", "พริกไทยขาวมุนต็อก"),
    "Cloves, hand-picked": ("手工采摘丁香", "Đinh hương hái tay", "กานพลูเก็บด้วยมือ"),
    "Nutmeg ABCD, whole": ("整粒肉豆蔻 ABCD", "Nhục đậu khấu nguyên hạt ABCD", "ลูกจันทน์เทศทั้งลูก ABCD"),
    "Cassia Cinnamon Sticks": ("肉桂棒", "Quế thanh", "อบเชยแท่ง"),
    "Ground Spice Retail Pack": ("香料粉零售装", "Gia vị xay đóng gói bán lẻ", "เครื่องเทศป่นบรรจุซองขายปลีก"),
    # Beibu Gulf Steel
    "Hot-rolled Steel Coil Q235B": ("热轧钢卷 Q235B", "Thép cuộn cán nóng Q235B", "เหล็กม้วนรีดร้อน Q235B"),
    "Deformed Steel Rebar HRB400": ("螺纹钢筋 HRB400", "Thép thanh vằn HRB400", "เหล็กข้ออ้อย HRB400"),
    "Hot-rolled H-beam": ("热轧 H 型钢", "Thép hình H cán nóng", "เหล็กเอชบีมรีดร้อน"),
    "Hot-dip Galvanised Steel Sheet": ("热镀锌钢板", "Thép tấm mạ kẽm nhúng nóng", "เหล็กแผ่นชุบสังกะสีแบบจุ่มร้อน"),
    "Steel Wire Rod SAE1008": ("线材 SAE1008", "Thép dây cuộn SAE1008", "ลวดเหล็ก SAE1008"),
    # Riau Pulp and Paper
    "A4 Copy Paper, 80 gsm": ("A4 复印纸，80 克", "Giấy photocopy A4, 80 gsm", "กระดาษถ่ายเอกสาร A4 80 แกรม"),
    "Kraft Liner Board, 150 gsm": ("牛皮箱板纸，150 克", "Giấy kraft lớp mặt, 150 gsm", "กระดาษคราฟท์ไลเนอร์ 150 แกรม"),
    "Tissue Parent Rolls": ("生活用纸母卷", "Cuộn giấy vệ sinh mẹ", "ม้วนแม่กระดาษทิชชู"),
    "Bleached Hardwood Kraft Pulp": (
        "漂白阔叶木硫酸盐浆",
        "Bột giấy kraft gỗ cứng tẩy trắng",
        "เยื่อกระดาษคราฟท์ไม้เนื้อแข็งฟอกขาว",
    ),
    "Recycled Kraft Paper Bags": ("再生牛皮纸袋", "Túi giấy kraft tái chế", "ถุงกระดาษคราฟท์รีไซเคิล"),
    # Songkhla Natural Rubber
    "Ribbed Smoked Sheet RSS3": ("烟片胶 RSS3", "Cao su tờ xông khói RSS3", "ยางแผ่นรมควัน RSS3"),
    "Standard Thai Rubber STR20": ("泰国标准胶 STR20", "Cao su tiêu chuẩn Thái STR20", "ยางแท่งมาตรฐานไทย STR20"),
    "Centrifuged Latex Concentrate, 60 % DRC": (
        "离心浓缩胶乳，干胶含量 60%",
        "Mủ latex ly tâm, DRC 60 %",
        "น้ำยางข้นชนิดปั่นเหวี่ยง DRC 60%",
    ),
    "Natural Rubber Compound Masterbatch": (
        "天然橡胶混炼母胶",
        "Hợp chất cao su thiên nhiên masterbatch",
        "ยางธรรมชาติผสมสำเร็จ (มาสเตอร์แบตช์)",
    ),
    "Natural Rubber Latex Foam Pillow": ("天然乳胶枕", "Gối cao su thiên nhiên", "หมอนยางพาราธรรมชาติ"),
    # Guigang Cane Sugar
    "Refined White Sugar ICUMSA 45": (
        "精制白砂糖 ICUMSA 45",
        "Đường trắng tinh luyện ICUMSA 45",
        "น้ำตาลทรายขาวบริสุทธิ์ ICUMSA 45",
    ),
    "Traditional Brown Sugar Blocks": (
        "古法红糖块",
        "Đường phèn nâu truyền thống dạng khối",
        "น้ำตาลทรายแดงก้อนแบบดั้งเดิม",
    ),
    "Cane Molasses": ("甘蔗糖蜜", "Rỉ đường mía", "กากน้ำตาลอ้อย"),
    "Sugar Cane Bagasse Tableware": ("甘蔗渣餐具", "Bộ đồ ăn từ bã mía", "ภาชนะจากชานอ้อย"),
    "Rock Sugar, single crystal": ("单晶冰糖", "Đường phèn đơn tinh thể", "น้ำตาลกรวดผลึกเดี่ยว"),
    # Brunei Halal Kitchen
    "Sambal Belacan Chilli Paste": ("峇拉煎参巴辣椒酱", "Tương ớt mắm tôm Sambal Belacan", "น้ำพริกกะปิซัมบัลบลาจัน"),
    "Ambuyat Sago Starch": ("安布亚西米淀粉", "Bột cọ sago Ambuyat", "แป้งสาคูอัมบูยัต"),
    "Beef Rendang Ready Meal": ("仁当牛肉即食餐", "Bò rendang ăn liền", "เรนดังเนื้อพร้อมทาน"),
    "Kuih Cincin Crispy Snack": ("圈圈酥脆小吃", "Bánh giòn Kuih Cincin", "ขนมกรอบกุยฮ์จินจิน"),
    "Halal Chicken Satay Sauce": ("清真鸡肉沙爹酱", "Nước sốt sa tế gà halal", "ซอสสะเต๊ะไก่ฮาลาล"),
    # Battambang Rice Millers
    "Phka Rumduol Premium Fragrant Rice": (
        "Phka Rumduol 优质香米",
        "Gạo thơm cao cấp Phka Rumduol",
        "ข้าวหอมพรีเมียมผกาลำดวน",
    ),
    "Organic Jasmine Rice": ("有机茉莉香米", "Gạo thơm jasmine hữu cơ", "ข้าวหอมมะลิอินทรีย์"),
    "Cambodian Long Grain White Rice": ("柬埔寨长粒白米", "Gạo trắng hạt dài Campuchia", "ข้าวขาวเมล็ดยาวกัมพูชา"),
    "Brown Fragrant Rice": ("香糙米", "Gạo lứt thơm", "ข้าวกล้องหอม"),
    "Rice Bran Oil": ("米糠油", "Dầu cám gạo", "น้ำมันรำข้าว"),
    # Kampot Pepper Farmers Cooperative
    "Kampot Black Pepper, PGI": (
        "贡布黑胡椒，地理标志产品",
        "Tiêu đen Kampot, chỉ dẫn địa lý",
        "พริกไทยดำกำปอต สิ่งบ่งชี้ทางภูมิศาสตร์",
    ),
    "Kampot Red Pepper, PGI": (
        "贡布红胡椒，地理标志产品",
        "Tiêu đỏ Kampot, chỉ dẫn địa lý",
        "พริกไทยแดงกำปอต สิ่งบ่งชี้ทางภูมิศาสตร์",
    ),
    "Kampot White Pepper, PGI": (
        "贡布白胡椒，地理标志产品",
        "Tiêu trắng Kampot, chỉ dẫn địa lý",
        "พริกไทยขาวกำปอต สิ่งบ่งชี้ทางภูมิศาสตร์",
    ),
    "Fresh Green Pepper in Brine": ("盐渍鲜绿胡椒", "Tiêu xanh tươi ngâm muối", "พริกไทยอ่อนดองน้ำเกลือ"),
    "Kampot Pepper Gift Box": ("贡布胡椒礼盒", "Hộp quà tiêu Kampot", "กล่องของขวัญพริกไทยกำปอต"),
    # Surabaya Coconut and Cocoa
    "Virgin Coconut Oil, cold-pressed": ("冷榨初榨椰子油", "Dầu dừa nguyên chất ép lạnh", "น้ำมันมะพร้าวบริสุทธิ์สกัดเย็น"),
    "Desiccated Coconut, fine grade": ("细椰蓉", "Cơm dừa nạo sấy loại mịn", "มะพร้าวขูดอบแห้งชนิดละเอียด"),
    "Natural Cocoa Powder 10–12 %": ("天然可可粉 10–12%", "Bột ca cao tự nhiên 10–12 %", "ผงโกโก้ธรรมชาติ 10–12%"),
    "Cocoa Butter, deodorised": ("脱臭可可脂", "Bơ ca cao khử mùi", "เนยโกโก้ระงับกลิ่น"),
    "Coconut Sugar": ("椰子糖", "Đường dừa", "น้ำตาลมะพร้าว"),
    "Coconut Water Powder": ("椰子水粉", "Bột nước dừa", "ผงน้ำมะพร้าว"),
    # Bolaven Plateau Coffee
    "Arabica Green Coffee, washed, Grade 1": (
        "水洗阿拉比卡咖啡生豆，一级",
        "Cà phê nhân Arabica chế biến ướt, loại 1",
        "เมล็ดกาแฟดิบอาราบิก้า แบบล้าง เกรด 1",
    ),
    "Single Village Lot, natural process": (
        "单一村庄批次，日晒处理",
        "Lô cà phê một làng, chế biến tự nhiên",
        "กาแฟล็อตหมู่บ้านเดียว กระบวนการแห้ง",
    ),
    "Lao Roasted Coffee, medium": ("老挝中度烘焙咖啡", "Cà phê rang Lào, rang vừa", "กาแฟคั่วลาว คั่วกลาง"),
    "Lao Robusta Green Coffee": ("老挝罗布斯塔咖啡生豆", "Cà phê nhân Robusta Lào", "เมล็ดกาแฟดิบโรบัสต้าลาว"),
    "Drip Coffee Bags": ("挂耳咖啡", "Cà phê túi lọc nhỏ giọt", "กาแฟดริปแบบซอง"),
    # Lao Herbal Wellness
    "Lao Herbal Sauna Blend": ("老挝草药桑拿配方", "Hỗn hợp thảo dược xông hơi Lào", "สมุนไพรอบตัวลาว"),
    "Mulberry Leaf Tea": ("桑叶茶", "Trà lá dâu tằm", "ชาใบหม่อน"),
    "Bitter Gourd Herbal Capsules": ("苦瓜草本胶囊", "Viên nang thảo dược mướp đắng", "แคปซูลสมุนไพรมะระขี้นก"),
    "Lao Herbal Balm": ("老挝草药膏", "Dầu cù là thảo dược Lào", "ยาหม่องสมุนไพรลาว"),
    "Sticky Rice Steamer Basket": ("糯米蒸笼", "Giỏ hấp xôi", "หวดนึ่งข้าวเหนียว"),
    # Selangor Glove Industries
    "Nitrile Examination Gloves, 3.5 g": (
        "丁腈检查手套，3.5 克",
        "Găng tay khám nitrile, 3,5 g",
        "ถุงมือตรวจโรคไนไตรล์ 3.5 ก.",
    ),
    "Latex Examination Gloves, powder-free": (
        "无粉乳胶检查手套",
        "Găng tay khám latex, không bột",
        "ถุงมือตรวจโรคยางธรรมชาติ ไม่มีแป้ง",
    ),
    "Sterile Surgical Gloves": ("无菌外科手套", "Găng tay phẫu thuật tiệt trùng", "ถุงมือผ่าตัดปลอดเชื้อ"),
    "Industrial Nitrile Gloves, 8 mil": (
        "工业丁腈手套，8 密耳",
        "Găng tay nitrile công nghiệp, 8 mil",
        "ถุงมือไนไตรล์อุตสาหกรรม 8 มิล",
    ),
    "Long Cuff Nitrile Gloves, 300 mm": (
        "加长袖口丁腈手套，300 毫米",
        "Găng tay nitrile cổ dài, 300 mm",
        "ถุงมือไนไตรล์ข้อยาว 300 มม.",
    ),
    # Golden Land Pulses and Beans
    "Green Mung Beans, shiny, FAQ": ("亮绿豆，FAQ 级", "Đậu xanh bóng, loại FAQ", "ถั่วเขียวผิวมัน เกรด FAQ"),
    "Pigeon Peas (Toor Whole)": ("木豆（整粒）", "Đậu triều (nguyên hạt)", "ถั่วมะแฮะ (ทั้งเมล็ด)"),
    "White Sesame Seeds, hulled": ("去皮白芝麻", "Vừng trắng đã bóc vỏ", "งาขาวกะเทาะเปลือก"),
    "Black Matpe Beans (Urad)": ("黑吉豆", "Đậu đen matpe (Urad)", "ถั่วดำมัตเป (อูรัด)"),
    "Red Kidney Beans": ("红芸豆", "Đậu tây đỏ", "ถั่วแดงหลวง"),
    # Thanaka Golden Myanmar
    "Thanaka Logs for Grinding": ("研磨用黄香楝木段", "Khúc gỗ thanaka để mài", "ท่อนไม้ทานาคาสำหรับฝน"),
    "Pure Thanaka Powder": ("纯黄香楝粉", "Bột thanaka nguyên chất", "ผงทานาคาบริสุทธิ์"),
    "Thanaka Sunscreen Cream SPF 30": ("黄香楝防晒霜 SPF 30", "Kem chống nắng thanaka SPF 30", "ครีมกันแดดทานาคา SPF 30"),
    "Thanaka Soap": ("黄香楝香皂", "Xà phòng thanaka", "สบู่ทานาคา"),
    "Thanaka Face Mask Sheets": ("黄香楝面膜", "Mặt nạ giấy thanaka", "แผ่นมาสก์หน้าทานาคา"),
    # Davao Tropical Fruit Processors
    "Dried Carabao Mango Slices": ("卡拉宝芒果干片", "Xoài Carabao sấy lát", "มะม่วงคาราบาวอบแห้งแผ่น"),
    "Banana Chips, sweetened": ("甜味香蕉片", "Chuối sấy giòn vị ngọt", "กล้วยทอดกรอบรสหวาน"),
    "Young Coconut Water, UHT": ("UHT 嫩椰子水", "Nước dừa non tiệt trùng UHT", "น้ำมะพร้าวอ่อน ยูเอชที"),
    "Cavendish Bananas, fresh": ("新鲜卡文迪什香蕉", "Chuối Cavendish tươi", "กล้วยหอมคาเวนดิชสด"),
    "Calamansi Juice Concentrate": ("四季桔浓缩汁", "Nước cốt tắc cô đặc", "น้ำส้มจี๊ดเข้มข้น"),
    "Dried Pineapple Rings": ("菠萝干圈", "Dứa sấy khoanh", "สับปะรดอบแห้งแบบวง"),
    # Straits Cold Chain Logistics
    "Reefer Container Freight, Singapore–Qinzhou": (
        "冷藏集装箱海运，新加坡至钦州",
        "Vận chuyển container lạnh, Singapore–Khâm Châu",
        "ขนส่งตู้คอนเทนเนอร์ห้องเย็น สิงคโปร์–ชินโจว",
    ),
    "GDP Pharmaceutical Warehousing": ("符合 GDP 的药品仓储", "Kho dược phẩm đạt chuẩn GDP", "คลังสินค้ายาตามมาตรฐาน GDP"),
    "Cross-border Reefer Trucking to Nanning": (
        "至南宁的跨境冷藏卡车运输",
        "Vận tải xe lạnh xuyên biên giới đến Nam Ninh",
        "รถบรรทุกห้องเย็นข้ามพรมแดนไปหนานหนิง",
    ),
    "Active Temperature-controlled Air Containers": (
        "主动温控航空集装箱",
        "Container hàng không kiểm soát nhiệt độ chủ động",
        "ตู้สินค้าทางอากาศควบคุมอุณหภูมิแบบแอ็กทีฟ",
    ),
    "Temperature Data Loggers": ("温度记录仪", "Thiết bị ghi dữ liệu nhiệt độ", "เครื่องบันทึกข้อมูลอุณหภูมิ"),
    # Siam Hom Mali Rice Exporters
    "Thai Hom Mali Rice 100 %, new crop": (
        "100% 泰国茉莉香米，新米",
        "Gạo Hom Mali Thái 100 %, vụ mới",
        "ข้าวหอมมะลิไทย 100% ข้าวใหม่",
    ),
    "Thung Kula Rong Hai GI Jasmine Rice": (
        "通古拉荣海地理标志茉莉香米",
        "Gạo thơm jasmine chỉ dẫn địa lý Thung Kula Rong Hai",
        "ข้าวหอมมะลิทุ่งกุลาร้องไห้ จีไอ",
    ),
    "Riceberry Rice": ("莓果米", "Gạo Riceberry", "ข้าวไรซ์เบอร์รี่"),
    "Thai Glutinous Rice": ("泰国糯米", "Gạo nếp Thái", "ข้าวเหนียวไทย"),
    "Jasmine Rice Crackers": ("茉莉香米饼", "Bánh gạo jasmine", "ข้าวเกรียบข้าวหอมมะลิ"),
    # Saigon Nonwoven Fabrics
    "Spunbond PP Non-woven, 25 gsm": (
        "纺粘聚丙烯无纺布，25 克",
        "Vải không dệt PP spunbond, 25 gsm",
        "ผ้าไม่ทอ PP สปันบอนด์ 25 แกรม",
    ),
    "Melt-blown Filter Fabric BFE 99": ("熔喷过滤布 BFE 99", "Vải lọc melt-blown BFE 99", "ผ้ากรองเมลต์โบลน์ BFE 99"),
    "SMS Non-woven, 40 gsm": ("SMS 无纺布，40 克", "Vải không dệt SMS, 40 gsm", "ผ้าไม่ทอ SMS 40 แกรม"),
    "Hydrophilic Non-woven for Diapers": (
        "纸尿裤用亲水无纺布",
        "Vải không dệt ưa nước cho tã",
        "ผ้าไม่ทอชนิดชอบน้ำสำหรับผ้าอ้อม",
    ),
    "Mask Ear Loop Elastic": ("口罩耳带松紧绳", "Dây thun quai đeo khẩu trang", "ยางยืดสายคล้องหูหน้ากากอนามัย"),
    # Quang Ninh Seafood
    "Frozen Black Tiger Shrimp, head-on": ("冷冻带头黑虎虾", "Tôm sú nguyên con đông lạnh", "กุ้งกุลาดำแช่แข็งทั้งหัว"),
    "Frozen Squid Tubes": ("冷冻鱿鱼筒", "Ống mực đông lạnh", "ปลาหมึกหลอดแช่แข็ง"),
    "Frozen Cooked Clams": ("冷冻熟蛤蜊", "Nghêu luộc đông lạnh", "หอยลายต้มแช่แข็ง"),
    "Dried Squid": ("鱿鱼干", "Mực khô", "ปลาหมึกแห้ง"),
    "Fish Sauce 40 °N": ("鱼露 40 度", "Nước mắm 40 độ đạm", "น้ำปลา 40 องศาไนโตรเจน"),
    # Cebu Rattan Furniture Makers
    "Rattan Lounge Chair": ("藤编休闲椅", "Ghế thư giãn bằng mây", "เก้าอี้พักผ่อนหวาย"),
    "Abaca Woven Pendant Lamp": ("马尼拉麻编织吊灯", "Đèn thả đan sợi chuối abaca", "โคมไฟแขวนสานใยอะบากา"),
    "Rattan Room Divider": ("藤编屏风", "Bình phong mây", "ฉากกั้นห้องหวาย"),
    "Seagrass Storage Baskets": ("海草收纳篮", "Giỏ đựng đồ cỏ biển", "ตะกร้าเก็บของหญ้าทะเล"),
    "Buri Palm Placemats": ("布里棕榈餐垫", "Tấm lót bàn ăn lá cọ buri", "แผ่นรองจานใบลานบูรี"),
    # Phnom Penh Silk Weavers
    "Golden Silk Scarf": ("金丝围巾", "Khăn lụa vàng", "ผ้าพันคอไหมทอง"),
    "Ikat Silk Sampot": ("伊卡特丝绸纱笼", "Sampot lụa ikat", "ผ้าซัมปอตไหมมัดหมี่"),
    "Raw Silk Yarn": ("生丝纱线", "Sợi tơ tằm thô", "เส้นไหมดิบ"),
    "Silk Cushion Covers": ("丝绸靠垫套", "Vỏ gối tựa lụa", "ปลอกหมอนอิงผ้าไหม"),
    "Krama Cotton Scarf": ("格罗麻棉围巾", "Khăn rằn krama bằng bông", "ผ้าขาวม้ากรอมาฝ้าย"),
}

# Booth descriptions (Markdown) where the booth has them written in more languages.
BOOTH_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Nanning Mask Machinery Co.": {
        "zh": """自 2012 年起，我们在南宁为中国和东盟各地的工厂制造**口罩生产线**。
疫情期间，我们的生产线在从河内到雅加达的 30 多家工厂里运转。

- 平面（外科）口罩和 KN95 口罩生产线，从单台耳带焊接机到全自动生产线
- 由我们的工程师现场或通过视频调试，并提供英语、中文和越南语的操作员培训
- 备件在南宁常备库存，48 小时内发货

> “一次订购的需求量就是一两百台。”——我们的买家，第 17 届东博会

欢迎预约视频通话：我们从车间为您现场开动一条口罩机生产线。""",
        "vi": """Từ năm 2012, chúng tôi chế tạo **dây chuyền sản xuất khẩu trang** tại Nam Ninh cho các nhà máy khắp Trung Quốc và ASEAN.
Trong đại dịch, dây chuyền của chúng tôi đã chạy tại hơn 30 nhà máy từ Hà Nội đến Jakarta.

- Dây chuyền khẩu trang phẳng (y tế) và KN95, từ một máy hàn quai đến dây chuyền tự động hoàn toàn
- Kỹ sư của chúng tôi chạy thử tại chỗ hoặc qua video, đào tạo vận hành bằng tiếng Anh, tiếng Trung và tiếng Việt
- Phụ tùng luôn có sẵn tại Nam Ninh, giao trong vòng 48 giờ

> "Mỗi đơn hàng cần một hai trăm chiếc." — khách hàng của chúng tôi, CAEXPO lần thứ 17

Hãy đặt lịch gọi video: chúng tôi sẽ chạy thử một dây chuyền cho bạn xem trực tiếp từ xưởng.""",
        "th": """ตั้งแต่ปี 2012 เราสร้าง**สายการผลิตหน้ากากอนามัย**ที่หนานหนิงให้โรงงานทั่วจีนและอาเซียน
ในช่วงโรคระบาด สายการผลิตของเราเดินเครื่องอยู่ในโรงงานกว่า 30 แห่งตั้งแต่ฮานอยถึงจาการ์ตา

- สายการผลิตหน้ากากแบบแบน (ทางการแพทย์) และ KN95 ตั้งแต่เครื่องเชื่อมสายคล้องหูเครื่องเดียวถึงสายการผลิตอัตโนมัติเต็มรูปแบบ
- วิศวกรของเราติดตั้งทดสอบที่หน้างานหรือผ่านวิดีโอ พร้อมฝึกอบรมผู้ควบคุมเครื่องเป็นภาษาอังกฤษ จีน และเวียดนาม
- มีอะไหล่สำรองในคลังที่หนานหนิง จัดส่งภายใน 48 ชั่วโมง

> "สั่งครั้งเดียวต้องการเป็นร้อยสองร้อยเครื่อง" — ผู้ซื้อของเรา งาน CAEXPO ครั้งที่ 17

นัดวิดีโอคอลได้เลย เราจะเปิดเดินสายการผลิตให้คุณชมสดจากโรงงาน""",
    },
    "Guangxi Shield Protective Products Co., Ltd.": {
        "zh": """我们位于**广西玉林**的洁净车间为医院、实验室和边境检查站缝制并密封防护服。

- 中国医疗器械注册；连体防护服获 CE 认证（EU 2016/425，第三类）
- 四个生产车间，每月产能 800 万件
- 5,000 件起可贴牌生产

样品三天内发出。""",
        "vi": """Nhà máy phòng sạch của chúng tôi tại **Ngọc Lâm, Quảng Tây** may và dán kín quần áo bảo hộ cho bệnh viện,
phòng thí nghiệm và trạm kiểm dịch cửa khẩu.

- Đăng ký thiết bị y tế tại Trung Quốc; bộ liền thân đạt CE (EU 2016/425, loại III)
- 8 triệu sản phẩm mỗi tháng tại bốn xưởng sản xuất
- Nhận gia công nhãn riêng từ 5.000 sản phẩm

Hàng mẫu gửi đi trong ba ngày.""",
        "th": """โรงงานห้องสะอาดของเราที่**อวี้หลิน กว่างซี** ตัดเย็บและซีลชุดป้องกันให้โรงพยาบาล ห้องปฏิบัติการ และด่านตรวจชายแดน

- ขึ้นทะเบียนเครื่องมือแพทย์ในจีน ชุดหมีได้รับ CE (EU 2016/425 ประเภท III)
- กำลังผลิต 8 ล้านชิ้นต่อเดือนในอาคารผลิตสี่หลัง
- รับผลิตภายใต้แบรนด์ของลูกค้าตั้งแต่ 5,000 ชิ้น

ส่งตัวอย่างภายในสามวัน""",
    },
    "Selangor Glove Industries Sdn. Bhd.": {
        "zh": """全世界大部分橡胶手套产自马来西亚。我们位于**巴生的 24 条浸渍生产线**生产检查手套和工业手套，
已获 FDA 510(k) 许可和 CE 认证。

长期合同、按月提货，让医院和经销商的价格保持稳定。""",
        "vi": """Malaysia sản xuất phần lớn găng tay cao su của thế giới. **24 dây chuyền nhúng tại Klang** của chúng tôi sản xuất
găng tay khám và găng tay công nghiệp, đạt FDA 510(k) và chứng nhận CE.

Hợp đồng dài hạn với lịch giao hàng hằng tháng giúp giá ổn định cho bệnh viện và nhà phân phối.""",
        "th": """มาเลเซียผลิตถุงมือยางส่วนใหญ่ของโลก **สายการจุ่ม 24 สายที่กลัง** ของเราผลิตถุงมือตรวจโรคและถุงมืออุตสาหกรรม
ผ่าน FDA 510(k) และได้รับการรับรอง CE

สัญญาระยะยาวพร้อมการเรียกส่งสินค้ารายเดือนช่วยให้ราคาคงที่สำหรับโรงพยาบาลและผู้จัดจำหน่าย""",
    },
    # Written in Chinese (SOURCE_LANGUAGES): the English is kept as the translation.
    "Guangxi Zhuang Herbal Medicine Co.": {
        "zh": """广西有**4,000 多种药用植物**。我们在永福种植罗汉果，在合作农场种植三七，
并在南宁的 GMP 车间进行提取。

- GACP 种植基地，批次可追溯
- 提取物经 HPLC 标准化
- 出口马来西亚、新加坡、泰国和越南的经验""",
    },
    # Written in Thai (SOURCE_LANGUAGES).
    "Siam Hom Mali Rice Exporters Co., Ltd.": {
        "th": """**ข้าวหอมมะลิไทย** ปลูกในภาคอีสาน ที่ซึ่งดินแห้งและเค็มให้กลิ่นหอมอันเลื่องชื่อ
โรงสีของเราที่**ร้อยเอ็ด**รับซื้อจากชาวนาในเขตสิ่งบ่งชี้ทางภูมิศาสตร์ทุ่งกุลาร้องไห้ และบรรจุส่งซูเปอร์มาร์เก็ตในจีนและอาเซียน""",
        "zh": """**泰国茉莉香米**种植于东北部，那里干燥而含盐的土壤赋予它著名的香气。
我们位于**黎逸府**的米厂向通古拉荣海地理标志产区的农民收购稻谷，为中国和东盟的超市包装。""",
        "vi": """**Gạo Hom Mali Thái** được trồng ở vùng Đông Bắc, nơi đất khô và mặn tạo nên hương thơm nổi tiếng.
Nhà máy xay của chúng tôi tại **Roi Et** thu mua từ nông dân vùng chỉ dẫn địa lý Thung Kula Rong Hai và đóng gói cho siêu thị ở Trung Quốc và ASEAN.""",
    },
}

# Company descriptions, for the companies written in another language than English.
# The demo companies' sectors, keyed by the English; the shared category tree's words where a sector
# is one of its categories (the catalogues' 防护用品, Thiết bị bảo hộ, อุปกรณ์ป้องกัน...).
SECTORS: dict[str, dict[str, str]] = {
    "Protective equipment": {"zh": "防护用品", "vi": "Thiết bị bảo hộ", "th": "อุปกรณ์ป้องกัน"},
    "Medical vehicles": {"zh": "医疗专用车辆", "vi": "Xe y tế chuyên dụng", "th": "ยานพาหนะทางการแพทย์"},
    "Diagnostics": {"zh": "诊断检测", "vi": "Chẩn đoán xét nghiệm", "th": "การวินิจฉัยโรค"},
    "Dental supplies": {"zh": "口腔医疗用品", "vi": "Vật tư nha khoa", "th": "วัสดุทันตกรรม"},
    "Medical devices": {"zh": "医疗器械", "vi": "Thiết bị y tế", "th": "เครื่องมือแพทย์"},
    "Pharmaceuticals": {"zh": "药品", "vi": "Dược phẩm", "th": "ผลิตภัณฑ์ยา"},
    "Traditional medicine": {"zh": "传统医药", "vi": "Y học cổ truyền", "th": "การแพทย์แผนดั้งเดิม"},
    "Health tourism": {"zh": "健康旅游", "vi": "Du lịch chăm sóc sức khỏe", "th": "การท่องเที่ยวเชิงสุขภาพ"},
    "Coffee": {"zh": "咖啡", "vi": "Cà phê", "th": "กาแฟ"},
    "Tropical fruit": {"zh": "热带水果", "vi": "Trái cây nhiệt đới", "th": "ผลไม้เขตร้อน"},
    "Spices": {"zh": "香料", "vi": "Gia vị", "th": "เครื่องเทศ"},
    "Steel": {"zh": "钢铁", "vi": "Thép", "th": "เหล็กกล้า"},
    "Paper": {"zh": "纸业", "vi": "Giấy", "th": "กระดาษ"},
    "Rubber": {"zh": "橡胶", "vi": "Cao su", "th": "ยางพารา"},
    "Sugar": {"zh": "制糖", "vi": "Đường", "th": "น้ำตาล"},
    "Halal food": {"zh": "清真食品", "vi": "Thực phẩm halal", "th": "อาหารฮาลาล"},
    "Rice": {"zh": "大米", "vi": "Gạo", "th": "ข้าว"},
    "Food ingredients": {"zh": "食品配料", "vi": "Nguyên liệu thực phẩm", "th": "ส่วนผสมอาหาร"},
    "Pulses": {"zh": "豆类", "vi": "Các loại đậu", "th": "พืชตระกูลถั่ว"},
    "Cosmetics": {"zh": "化妆品", "vi": "Mỹ phẩm", "th": "เครื่องสำอาง"},
    "Logistics": {"zh": "物流", "vi": "Logistics", "th": "โลจิสติกส์"},
    "Textiles": {"zh": "纺织品", "vi": "Dệt may", "th": "สิ่งทอ"},
    "Seafood": {"zh": "海产品", "vi": "Thủy hải sản", "th": "อาหารทะเล"},
    "Furniture": {"zh": "家具", "vi": "Nội thất", "th": "เฟอร์นิเจอร์"},
}

COMPANY_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Guangxi Zhuang Herbal Medicine Co.": {"zh": "广西药材的种植和加工企业：为传统医药提供提取物、药粉和颗粒。"},
    "Siam Hom Mali Rice Exporters Co., Ltd.": {
        "th": "ผู้ส่งออกข้าวในกรุงเทพฯ มีโรงสีที่ร้อยเอ็ด รับซื้อจากเขตสิ่งบ่งชี้ทางภูมิศาสตร์ทุ่งกุลาร้องไห้",
        "zh": "总部位于曼谷的大米出口商，在黎逸府设有米厂，向通古拉荣海地理标志产区收购稻谷。",
    },
    "Nanning Mask Machinery Co.": {
        "zh": "口罩机制造商；单笔订单一两百台。",
        "vi": "Máy sản xuất khẩu trang; mỗi đơn hàng một hai trăm máy.",
        "th": "ผู้ผลิตเครื่องทำหน้ากากอนามัย สั่งซื้อครั้งละหนึ่งถึงสองร้อยเครื่อง",
    },
}

# The languages some demo companies write in: their company, booth and products are written in it,
# and their English is a translation.
SOURCE_LANGUAGES: dict[str, str] = {
    "Guangxi Zhuang Herbal Medicine Co.": "zh",
    "Siam Hom Mali Rice Exporters Co., Ltd.": "th",
}

# Product descriptions (Markdown) and specifications ("Name: value; Name: value") in more languages.
PRODUCT_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    # Nanning Mask Machinery
    "Fully Automatic Flat Mask Production Line": {
        "zh": (
            (
                "从布卷到成品口罩一条线完成：折叠、鼻梁条植入、耳带超声波焊接和裁切。**出厂前已测试**，"
                "离开南宁前会发给您这条生产线运行的视频。"
            ),
            "产量: 每分钟 100–120 只; 层数: 3 或 4 层; 功率: 9 千瓦，220 伏 / 380 伏; 占地: 7.5 × 3.2 米; 操作人员: 1 人",
        ),
        "vi": (
            (
                "Một dây chuyền từ cuộn vải đến khẩu trang thành phẩm: gấp, gắn nẹp mũi, hàn siêu âm quai đeo và cắt. "
                "**Giao hàng đã chạy thử**, kèm video dây chuyền của chính bạn vận hành trước khi rời Nam Ninh."
            ),
            (
                "Công suất: 100–120 chiếc mỗi phút; Số lớp: 3 hoặc 4; Công suất điện: 9 kW, 220 V / 380 V; "
                "Diện tích: 7,5 × 3,2 m; Người vận hành: 1"
            ),
        ),
        "th": (
            (
                "สายการผลิตเดียวตั้งแต่ม้วนผ้าจนเป็นหน้ากากสำเร็จรูป: พับ ใส่ลวดจมูก เชื่อมสายคล้องหูด้วยอัลตราโซนิก และตัด "
                "**ส่งมอบหลังทดสอบแล้ว** พร้อมวิดีโอสายการผลิตของคุณเองขณะเดินเครื่องก่อนออกจากหนานหนิง"
            ),
            (
                "กำลังผลิต: 100–120 ชิ้นต่อนาที; จำนวนชั้น: 3 หรือ 4; กำลังไฟ: 9 กิโลวัตต์ 220 V / 380 V; "
                "พื้นที่: 7.5 × 3.2 ม.; ผู้ควบคุม: 1 คน"
            ),
        ),
    },
    "KN95 Mask Production Line": {
        "zh": (
            (
                "折叠式 KN95 口罩生产线，自动焊接耳带并封边。使用经认证的熔喷布时，可生产符合 GB 2626-2019 和 "
                "EN 149 FFP2 的口罩。"
            ),
            "产量: 每分钟 40–60 只; 层数: 5 层; 功率: 12 千瓦，380 伏; 占地: 9 × 3.5 米",
        ),
        "vi": (
            (
                "Dây chuyền khẩu trang KN95 gấp dẹt, tự động hàn quai đeo và dán mép. Đáp ứng sản xuất theo GB 2626-2019 "
                "và EN 149 FFP2 khi dùng vải melt-blown được chứng nhận."
            ),
            "Công suất: 40–60 chiếc mỗi phút; Số lớp: 5; Công suất điện: 12 kW, 380 V; Diện tích: 9 × 3,5 m",
        ),
        "th": (
            (
                "สายการผลิตหน้ากาก KN95 แบบพับแบน เชื่อมสายคล้องหูและซีลขอบอัตโนมัติ ผลิตตาม GB 2626-2019 และ "
                "EN 149 FFP2 ได้เมื่อใช้ผ้าเมลต์โบลน์ที่ผ่านการรับรอง"
            ),
            "กำลังผลิต: 40–60 ชิ้นต่อนาที; จำนวนชั้น: 5; กำลังไฟ: 12 กิโลวัตต์ 380 V; พื้นที่: 9 × 3.5 ม.",
        ),
    },
    "Semi-automatic Ear-loop Welding Machine": {
        "zh": (
            "小作坊起步用的机器：一名操作员为口罩本体焊上两侧耳带。",
            "产量: 每分钟 25–35 只; 频率: 20 千赫超声波; 功率: 1.2 千瓦，220 伏",
        ),
        "vi": (
            "Chiếc máy các xưởng nhỏ bắt đầu: một người vận hành hàn cả hai quai đeo lên thân khẩu trang.",
            "Công suất: 25–35 chiếc mỗi phút; Tần số: siêu âm 20 kHz; Công suất điện: 1,2 kW, 220 V",
        ),
        "th": (
            "เครื่องเริ่มต้นของโรงงานขนาดเล็ก: ผู้ควบคุมหนึ่งคนเชื่อมสายคล้องหูทั้งสองข้างบนตัวหน้ากาก",
            "กำลังผลิต: 25–35 ชิ้นต่อนาที; ความถี่: อัลตราโซนิก 20 กิโลเฮิรตซ์; กำลังไฟ: 1.2 กิโลวัตต์ 220 V",
        ),
    },
    "Mask Blank Making Machine": {
        "zh": (
            "为两到三台耳带焊接机供应口罩本体，是成长中工厂的常见布局。",
            "产量: 每分钟 120 片; 布卷: 最多 4 卷; 功率: 6 千瓦",
        ),
        "vi": (
            "Làm thân khẩu trang cho hai hoặc ba máy hàn quai, bố trí thường gặp của một nhà máy đang phát triển.",
            "Công suất: 120 thân mỗi phút; Cuộn vải: tối đa 4; Công suất điện: 6 kW",
        ),
        "th": (
            "ผลิตตัวหน้ากากป้อนเครื่องเชื่อมสายคล้องหูสองถึงสามเครื่อง เป็นผังที่โรงงานที่กำลังเติบโตนิยมใช้",
            "กำลังผลิต: 120 ชิ้นต่อนาที; ม้วนผ้า: สูงสุด 4 ม้วน; กำลังไฟ: 6 กิโลวัตต์",
        ),
    },
    "Ultrasonic Welding Horn (spare part)": {
        "zh": (
            "南宁加工的替换焊头，现货 48 小时内发出。",
            "材质: 钛合金; 频率: 20 千赫; 适用: 2019 年以来我们的所有生产线",
        ),
        "vi": (
            "Đầu hàn thay thế gia công tại Nam Ninh, giao từ kho trong vòng 48 giờ.",
            "Vật liệu: hợp kim titan; Tần số: 20 kHz; Phù hợp: mọi dây chuyền của chúng tôi từ năm 2019",
        ),
        "th": (
            "หัวเชื่อมสำรองกลึงที่หนานหนิง ส่งจากคลังภายใน 48 ชั่วโมง",
            "วัสดุ: โลหะผสมไทเทเนียม; ความถี่: 20 กิโลเฮิรตซ์; ใช้กับ: ทุกสายการผลิตของเราตั้งแต่ปี 2019",
        ),
    },
    "Aluminium Nose Wire, 3 mm": {
        "zh": ("平面口罩用软铝鼻梁条，在各种常见生产线上都能切得整齐。", "宽度: 3 毫米; 厚度: 0.5 毫米; 卷重: 10 千克"),
        "vi": (
            "Nẹp mũi nhôm mềm cho khẩu trang phẳng; cắt gọn trên mọi dây chuyền thông dụng.",
            "Chiều rộng: 3 mm; Độ dày: 0,5 mm; Cuộn: 10 kg",
        ),
        "th": (
            "แถบดัดจมูกอะลูมิเนียมชนิดอ่อนสำหรับหน้ากากแบบแบน ตัดได้เรียบบนทุกสายการผลิตทั่วไป",
            "ความกว้าง: 3 มม.; ความหนา: 0.5 มม.; ม้วน: 10 กก.",
        ),
    },
    "Spare Parts Kit for One Year": {
        "zh": (
            "两班制生产一年内生产线会磨损的所有部件，装在一个箱子里。",
            "内含: 焊头、切刀、皮带、传感器、滚轮; 适用: 平面口罩生产线",
        ),
        "vi": (
            "Mọi thứ một dây chuyền hao mòn trong một năm sản xuất hai ca, đóng trong một thùng.",
            "Gồm: đầu hàn, dao cắt, dây đai, cảm biến, con lăn; Dùng cho: dây chuyền khẩu trang phẳng",
        ),
        "th": (
            "ทุกชิ้นส่วนที่สายการผลิตสึกหรอในหนึ่งปีของการผลิตสองกะ บรรจุในกล่องเดียว",
            "ประกอบด้วย: หัวเชื่อม ใบมีด สายพาน เซ็นเซอร์ ลูกกลิ้ง; สำหรับ: สายการผลิตหน้ากากแบบแบน",
        ),
    },
    "Remote Commissioning and Operator Training": {
        "zh": (
            "我们的工程师通过视频调试您的生产线，并培训两名操作员和一名维修技术员。",
            "时长: 3 天; 语言: 英语、中文、越南语",
        ),
        "vi": (
            "Kỹ sư của chúng tôi chạy thử dây chuyền của bạn qua video và đào tạo hai người vận hành cùng một kỹ thuật viên bảo trì.",
            "Thời gian: 3 ngày; Ngôn ngữ: tiếng Anh, tiếng Trung, tiếng Việt",
        ),
        "th": (
            "วิศวกรของเราติดตั้งทดสอบสายการผลิตของคุณผ่านวิดีโอ และฝึกผู้ควบคุมเครื่องสองคนกับช่างซ่อมบำรุงหนึ่งคน",
            "ระยะเวลา: 3 วัน; ภาษา: อังกฤษ จีน เวียดนาม",
        ),
    },
    # Guangxi Shield
    "Medical Protective Coverall, Type 5/6": {
        "zh": (
            "带帽连体防护服，弹性袖口，双向拉链外有密封盖片。",
            "材质: 60 克微孔覆膜; 接缝: 热封压条; 尺码: M–XXXL; 标准: GB 19082-2009",
        ),
    },
    "Isolation Gown, Level 2": {
        "zh": (
            "病房和诊所用背系带隔离衣，每袋 10 件，每箱 100 件。",
            "材质: 35 克 SMS 无纺布; 袖口: 针织; 标准: AAMI PB70 2 级",
        ),
    },
    "Anti-fog Medical Goggles": {
        "zh": ("可戴在近视眼镜外；可消毒后重复使用。", "镜片: 聚碳酸酯，防雾涂层; 通风: 间接通风; 头带: 可调弹力带"),
    },
    "Full Face Shield": {
        "zh": ("供筛查人员和牙医使用的轻便防护面屏。", "面罩: 0.3 毫米 PET，防雾; 头带: 海绵加弹力带"),
    },
    "Nitrile Examination Gloves, powder-free": {
        "zh": ("用于检查和实验室工作的蓝色丁腈手套。", "包装: 每盒 100 只，每箱 10 盒; 尺码: XS–XL; AQL: 1.5"),
        "vi": (
            "Găng tay nitrile màu xanh dùng khi khám bệnh và làm việc trong phòng thí nghiệm.",
            "Đóng gói: 100 chiếc mỗi hộp, 10 hộp mỗi thùng; Cỡ: XS–XL; AQL: 1,5",
        ),
        "th": ("ถุงมือไนไตรล์สีฟ้าสำหรับการตรวจโรคและงานห้องปฏิบัติการ", "บรรจุ: 100 ชิ้นต่อกล่อง 10 กล่องต่อลัง; ขนาด: XS–XL; AQL: 1.5"),
    },
    "Disposable Shoe Covers": {
        "zh": ("用于洁净区和手术室的松紧口鞋套。", "材质: 40 克无纺布，防滑底; 包装: 每箱 1,000 只"),
    },
    "Medical Surgical Mask, Type IIR": {
        "zh": (
            "防液体喷溅的医用外科口罩，挂耳式，鼻梁条可弯折。",
            ("层数: 3 层; 细菌过滤效率: ≥ 98%; 标准: EN 14683 IIR 型; 包装: 每盒 50 只，每箱 40 盒"),
        ),
        "vi": (
            "Khẩu trang phẫu thuật chống thấm dịch, có quai đeo tai và nẹp mũi uốn được.",
            "Số lớp: 3; BFE: ≥ 98 %; Tiêu chuẩn: EN 14683 loại IIR; Đóng gói: 50 chiếc mỗi hộp, 40 hộp mỗi thùng",
        ),
        "th": (
            "หน้ากากอนามัยทางการแพทย์กันของเหลว มีสายคล้องหูและลวดจมูกดัดได้",
            "จำนวนชั้น: 3; BFE: ≥ 98%; มาตรฐาน: EN 14683 ประเภท IIR; บรรจุ: 50 ชิ้นต่อกล่อง 40 กล่องต่อลัง",
        ),
    },
    "KN95 Respirator": {
        "zh": (
            "折叠式 KN95 防护口罩，独立包装。",
            "层数: 5 层; 过滤效率: ≥ 95%; 标准: GB 2626-2019; 包装: 每盒 20 只，每箱 50 盒",
        ),
        "vi": (
            "Khẩu trang KN95 gấp dẹt, đóng gói riêng từng chiếc.",
            "Số lớp: 5; Hiệu suất lọc: ≥ 95 %; Tiêu chuẩn: GB 2626-2019; Đóng gói: 20 chiếc mỗi hộp, 50 hộp mỗi thùng",
        ),
        "th": (
            "หน้ากาก KN95 แบบพับแบน บรรจุแยกชิ้น",
            "จำนวนชั้น: 5; ประสิทธิภาพการกรอง: ≥ 95%; มาตรฐาน: GB 2626-2019; บรรจุ: 20 ชิ้นต่อกล่อง 50 กล่องต่อลัง",
        ),
    },
    "Protective Hood with Shoulder Cover": {
        "zh": ("与隔离衣搭配使用，适合无需穿连体防护服的场合。", "材质: SMS 无纺布; 面部开口: 松紧收口"),
    },
    "Medical Protective Kit": {
        "zh": (
            "一人一班所需的全部防护用品装在一个袋里，适合应急储备。",
            "内含: 防护服、KN95 口罩、护目镜、手套、鞋套; 包装: 每袋一套",
        ),
    },
    # Selangor Glove Industries
    "Nitrile Examination Gloves, 3.5 g": {
        "zh": ("无粉，指尖麻面，已获 FDA 510(k) 许可。", "包装: 每盒 100 只，每箱 10 盒; AQL: 1.5; 颜色: 蓝色或黑色"),
        "vi": (
            "Không bột, đầu ngón tay nhám, đạt FDA 510(k).",
            "Đóng gói: 100 chiếc mỗi hộp, 10 hộp mỗi thùng; AQL: 1,5; Màu: xanh hoặc đen",
        ),
        "th": ("ไม่มีแป้ง ปลายนิ้วมีผิวสัมผัส ผ่าน FDA 510(k)", "บรรจุ: 100 ชิ้นต่อกล่อง 10 กล่องต่อลัง; AQL: 1.5; สี: ฟ้าหรือดำ"),
    },
    "Latex Examination Gloves, powder-free": {
        "zh": ("天然橡胶手套，佩戴舒适。", "蛋白质: ≤ 50 微克/平方分米; 包装: 每盒 100 只，每箱 10 盒"),
        "vi": (
            "Găng tay cao su thiên nhiên, đeo vừa vặn thoải mái.",
            "Protein: ≤ 50 µg/dm²; Đóng gói: 100 chiếc mỗi hộp, 10 hộp mỗi thùng",
        ),
        "th": ("ถุงมือยางธรรมชาติ สวมใส่สบาย", "โปรตีน: ≤ 50 ไมโครกรัม/ตร.ดม.; บรรจุ: 100 ชิ้นต่อกล่อง 10 กล่องต่อลัง"),
    },
    "Sterile Surgical Gloves": {
        "zh": ("符合手部解剖形状的外科手套，卷边袖口。", "灭菌: 伽马射线; 尺码: 5.5–9.0; 包装: 每盒 50 双，每箱 4 盒"),
        "vi": (
            "Găng tay phẫu thuật theo hình dáng bàn tay, cổ tay có viền cuộn.",
            "Tiệt trùng: tia gamma; Cỡ: 5,5–9,0; Đóng gói: 50 đôi mỗi hộp, 4 hộp mỗi thùng",
        ),
        "th": ("ถุงมือผ่าตัดขึ้นรูปตามสรีระมือ ขอบข้อมือม้วน", "การฆ่าเชื้อ: รังสีแกมมา; ขนาด: 5.5–9.0; บรรจุ: 50 คู่ต่อกล่อง 4 กล่องต่อลัง"),
    },
    "Industrial Nitrile Gloves, 8 mil": {
        "zh": ("供机修工、食品厂和清洁使用的加厚手套。", "厚度: 0.2 毫米; 防滑: 菱形纹; 包装: 每盒 50 只"),
        "vi": (
            "Găng tay dày cho thợ máy, nhà máy thực phẩm và vệ sinh.",
            "Độ dày: 0,2 mm; Độ bám: vân kim cương; Đóng gói: 50 chiếc mỗi hộp",
        ),
        "th": (
            "ถุงมืองานหนักสำหรับช่างยนต์ โรงงานอาหาร และงานทำความสะอาด",
            "ความหนา: 0.2 มม.; การยึดเกาะ: ลายข้าวหลามตัด; บรรจุ: 50 ชิ้นต่อกล่อง",
        ),
    },
    "Long Cuff Nitrile Gloves, 300 mm": {
        "zh": ("已通过抗细胞毒性药物测试（ASTM D6978）。", "长度: 300 毫米; 用途: 化疗和实验室"),
        "vi": (
            "Đã thử nghiệm với thuốc gây độc tế bào (ASTM D6978).",
            "Chiều dài: 300 mm; Công dụng: hóa trị và phòng thí nghiệm",
        ),
        "th": ("ผ่านการทดสอบกับยาเคมีบำบัด (ASTM D6978)", "ความยาว: 300 มม.; การใช้งาน: เคมีบำบัดและห้องปฏิบัติการ"),
    },
    # Guangxi Zhuang Herbal Medicine: written in Chinese.
    "Luo Han Guo Extract, 25 % Mogroside V": {
        "zh": ("罗汉果提取物，用作天然甜味剂，也用于止咳制剂。", "性状: 浅黄色粉末; 检测: HPLC; 溶解性: 水溶"),
    },
    "Sanqi (Panax notoginseng) Root Powder": {
        "zh": ("传统上用于止血和活血。", "目数: 80 目; 产地: 文山和广西; 皂苷: ≥ 5%"),
    },
    "Herbal Cooling Tea Granules": {
        "zh": ("华南的凉茶，用热水冲服。", "每袋: 10 克; 配料: 菊花、金银花、凉粉草; 包装: 每盒 20 袋"),
    },
    "Medicated Massage Oil": {
        "zh": ("樟脑、薄荷脑和桂皮油，缓解肌肉酸痛。", "瓶装: 25 毫升; 包装: 每箱 240 瓶"),
    },
    "Dried Gynostemma Herb": {
        "zh": ("绞股蓝，日常泡茶饮用。", "切段: 3–5 毫米; 水分: ≤ 12%"),
    },
    "Ginger and Jujube Paste": {
        "zh": ("用广西生姜熬制的冬季暖身膏。", "每罐: 250 克; 包装: 每箱 24 罐"),
    },
    # Siam Hom Mali Rice Exporters: written in Thai.
    "Thai Hom Mali Rice 100 %, new crop": {
        "th": (
            "ตราสัญลักษณ์สีเขียวรับรองคุณภาพข้าวหอมมะลิของรัฐบาลไทยบนทุกถุง",
            "ความบริสุทธิ์: ข้าวหอมมะลิ ≥ 92%; ข้าวหัก: ≤ 4%; บรรจุ: ถุง 25 กก. 5 กก. หรือ 1 กก.",
        ),
        "zh": (
            "每袋都印有泰国政府认证茉莉香米品质的绿色标志。",
            "纯度: 茉莉香米 ≥ 92%; 碎米: ≤ 4%; 包装: 25 千克、5 千克或 1 千克袋装",
        ),
    },
    "Thung Kula Rong Hai GI Jasmine Rice": {
        "th": ("ข้าวหอมมะลิชั้นเลิศจากถิ่นกำเนิดที่ได้รับการคุ้มครอง", "แหล่งผลิต: ร้อยเอ็ด สุรินทร์ ศรีสะเกษ; บรรจุ: ถุงสุญญากาศ 1 กก."),
        "zh": ("来自受保护原产地的顶级茉莉香米。", "产地: 黎逸、素林、四色菊; 包装: 1 千克真空包装"),
    },
    "Riceberry Rice": {
        "th": ("ข้าวกล้องอุดมสารต้านอนุมูลอิสระที่ปรับปรุงพันธุ์ในประเทศไทย", "สี: ม่วงเข้ม; บรรจุ: ถุง 1 กก."),
        "zh": ("泰国培育、富含抗氧化物的全谷物米。", "颜色: 深紫色; 包装: 1 千克袋装"),
    },
    "Thai Glutinous Rice": {
        "th": ("ข้าวเหนียวสำหรับข้าวเหนียวมะม่วงและขนมจีบ", "ข้าวหัก: ≤ 10%; บรรจุ: ถุง 25 กก."),
        "zh": ("用来做芒果糯米饭和粽子的糯米。", "碎米: ≤ 10%; 包装: 25 千克袋装"),
    },
    "Jasmine Rice Crackers": {
        "th": ("อบ ไม่ทอด", "ขนาด: 100 ก.; รสชาติ: สาหร่าย ดั้งเดิม พริก; บรรจุ: 24 ห่อต่อลัง"),
        "zh": ("烘烤而成，不是油炸。", "规格: 100 克; 口味: 海苔、原味、辣味; 包装: 每箱 24 包"),
    },
}

# The edition, its pavilions and programme in Chinese.
EDITION_ZH = {
    "name": "第十八届中国—东盟博览会",
    "tagline": "携手抗击新冠疫情，打造疫后复苏新平台",
    "description": (
        "公共卫生防疫展区和健康展区再次亮相，展示疫情防控成果和大健康产业商机。"
        "线上展览永不落幕：展位全年开放，随时接受询盘。"
    ),
    "venue": "南宁国际会展中心",
    "city": "南宁",
}

PAVILIONS_ZH: dict[str, tuple[str, str]] = {
    "public-health": ("公共卫生防疫展区", "防疫物资和健康企业：负压救护车、核酸检测车、防护服、护目镜和口罩。"),
    "big-health": ("大健康产业展区", "医疗器械、诊断试剂、药品以及大健康产业的商机。"),
    "traditional-medicine": ("传统医药与健康旅游展区", "来自中国和东盟的传统医药，以及围绕它发展起来的健康旅游。"),
    "food-agriculture": ("食品与农业展区", "从咖啡、榴莲到热带水果和香料：沿着丝绸之路远行的风味。"),
    "materials-industry": ("材料与工业展区", "纸张、钢铁以及区域贸易中的其他硬通货与软通货。"),
    "country-cn": ("中国馆", ""),
    "country-bn": ("文莱馆", ""),
    "country-kh": ("柬埔寨馆", ""),
    "country-id": ("印度尼西亚馆", ""),
    "country-la": ("老挝馆", ""),
    "country-my": ("马来西亚馆", ""),
    "country-mm": ("缅甸馆", ""),
    "country-ph": ("菲律宾馆", ""),
    "country-sg": ("新加坡馆", ""),
    "country-th": ("泰国馆", ""),
    "country-vn": ("越南馆", ""),
}

# The edition and its pavilions in the other ASEAN interface languages (the programme stays in English
# and Chinese: its forums are the Chinese organisers').
EDITION_OTHERS: dict[str, dict[str, str]] = {
    "vi": {
        "name": "Hội chợ Trung Quốc – ASEAN lần thứ 18",
        "tagline": "Chung tay chống dịch COVID-19, xây dựng nền tảng mới cho phục hồi sau đại dịch",
        "description": (
            "Khu triển lãm y tế công cộng, phòng chống dịch và khu sức khỏe trở lại, giới thiệu thành quả "
            "phòng chống dịch và cơ hội kinh doanh của ngành công nghiệp sức khỏe. Triển lãm trực tuyến "
            "không bao giờ khép lại: các gian hàng mở cửa quanh năm và nhận yêu cầu báo giá bất cứ lúc nào."
        ),
        "venue": "Trung tâm Hội nghị và Triển lãm Quốc tế Nam Ninh",
        "city": "Nam Ninh",
    },
    "th": {
        "name": "งานแสดงสินค้าจีน-อาเซียน ครั้งที่ 18",
        "tagline": "ร่วมมือต้านโควิด-19 และสร้างเวทีใหม่เพื่อการฟื้นตัวหลังการระบาด",
        "description": (
            "โซนสาธารณสุขและการป้องกันโรคระบาดและโซนสุขภาพกลับมาอีกครั้ง นำเสนอผลสำเร็จของการป้องกันและควบคุม"
            "โรคระบาด และโอกาสทางธุรกิจของอุตสาหกรรมสุขภาพ นิทรรศการออนไลน์ไม่มีวันปิด: บูธเปิดตลอดทั้งปี"
            "และรับคำสอบถามได้ทุกเมื่อ"
        ),
        "venue": "ศูนย์การประชุมและนิทรรศการนานาชาติหนานหนิง",
        "city": "หนานหนิง",
    },
    "id": {
        "name": "China-ASEAN Expo ke-18",
        "tagline": "Bersama melawan COVID-19 dan platform baru untuk pemulihan pascapandemi",
        "description": (
            "Area pameran kesehatan masyarakat, pencegahan pandemi, dan kesehatan hadir kembali, menampilkan "
            "hasil pencegahan dan pengendalian pandemi serta peluang bisnis industri kesehatan. Secara daring, "
            "pameran tidak pernah berakhir: stan buka sepanjang tahun dan menerima permintaan kapan saja."
        ),
        "venue": "Pusat Konvensi dan Pameran Internasional Nanning",
        "city": "Nanning",
    },
    "ms": {
        "name": "Ekspo China-ASEAN ke-18",
        "tagline": "Kerjasama menentang COVID-19 dan platform baharu untuk pemulihan pascapandemik",
        "description": (
            "Kawasan pameran kesihatan awam, pencegahan pandemik dan kesihatan kembali lagi, mempamerkan "
            "pencapaian pencegahan dan kawalan pandemik serta peluang perniagaan industri kesihatan. Dalam "
            "talian, pameran tidak pernah berakhir: gerai dibuka sepanjang tahun dan menerima pertanyaan pada "
            "bila-bila masa."
        ),
        "venue": "Pusat Konvensyen dan Pameran Antarabangsa Nanning",
        "city": "Nanning",
    },
}

# Themed pavilion slug -> {language: (name, description)}, in the words the interface uses for a
# pavilion in each language ("Khu trưng bày", "พาวิลเลียน", "Paviliun", "Pavilion").
THEMED_PAVILIONS_OTHERS: dict[str, dict[str, tuple[str, str]]] = {
    "public-health": {
        "vi": (
            "Khu trưng bày Y tế Công cộng và Phòng chống Dịch bệnh",
            "Vật tư phòng chống dịch và doanh nghiệp y tế: xe cứu thương áp lực âm, xe xét nghiệm axit nucleic, "
            "quần áo bảo hộ, kính bảo hộ và khẩu trang.",
        ),
        "th": (
            "พาวิลเลียนสาธารณสุขและการป้องกันโรคระบาด",
            "เวชภัณฑ์ป้องกันโรคระบาดและธุรกิจด้านสุขภาพ: รถพยาบาลความดันลบ รถตรวจกรดนิวคลีอิก ชุดป้องกัน แว่นตานิรภัย และหน้ากากอนามัย",
        ),
        "id": (
            "Paviliun Kesehatan Masyarakat dan Pencegahan Pandemi",
            "Perlengkapan pencegahan pandemi dan perusahaan kesehatan: ambulans bertekanan negatif, kendaraan uji "
            "asam nukleat, pakaian pelindung, kacamata pelindung, dan masker.",
        ),
        "ms": (
            "Pavilion Kesihatan Awam dan Pencegahan Pandemik",
            "Bekalan pencegahan pandemik dan syarikat kesihatan: ambulans tekanan negatif, kenderaan ujian asid "
            "nukleik, pakaian pelindung, gogal dan pelitup muka.",
        ),
    },
    "big-health": {
        "vi": (
            "Khu trưng bày Công nghiệp Sức khỏe",
            "Thiết bị y tế, chẩn đoán, dược phẩm và cơ hội kinh doanh của ngành công nghiệp sức khỏe.",
        ),
        "th": ("พาวิลเลียนอุตสาหกรรมสุขภาพ", "เครื่องมือแพทย์ การวินิจฉัยโรค ยา และโอกาสทางธุรกิจของอุตสาหกรรมสุขภาพ"),
        "id": (
            "Paviliun Industri Kesehatan",
            "Alat kesehatan, diagnostik, farmasi, dan peluang bisnis industri kesehatan.",
        ),
        "ms": (
            "Pavilion Industri Kesihatan",
            "Peranti perubatan, diagnostik, farmaseutikal dan peluang perniagaan industri kesihatan.",
        ),
    },
    "traditional-medicine": {
        "vi": (
            "Khu trưng bày Y học Cổ truyền và Du lịch Chăm sóc Sức khỏe",
            "Y học cổ truyền của Trung Quốc và ASEAN, cùng du lịch chăm sóc sức khỏe phát triển quanh đó.",
        ),
        "th": (
            "พาวิลเลียนการแพทย์แผนดั้งเดิมและการท่องเที่ยวเชิงสุขภาพ",
            "การแพทย์แผนดั้งเดิมจากจีนและอาเซียน และการท่องเที่ยวเชิงสุขภาพที่เติบโตไปพร้อมกัน",
        ),
        "id": (
            "Paviliun Pengobatan Tradisional dan Wisata Kesehatan",
            "Pengobatan tradisional dari Tiongkok dan ASEAN, serta wisata kesehatan yang tumbuh di sekitarnya.",
        ),
        "ms": (
            "Pavilion Perubatan Tradisional dan Pelancongan Kesihatan",
            "Perubatan tradisional dari China dan ASEAN, serta pelancongan kesihatan yang berkembang di sekitarnya.",
        ),
    },
    "food-agriculture": {
        "vi": (
            "Khu trưng bày Thực phẩm và Nông nghiệp",
            "Từ cà phê, sầu riêng đến trái cây nhiệt đới và gia vị: những hương vị theo Con đường Tơ lụa đi xa.",
        ),
        "th": (
            "พาวิลเลียนอาหารและเกษตรกรรม",
            "ตั้งแต่กาแฟและทุเรียนไปจนถึงผลไม้เมืองร้อนและเครื่องเทศ: รสชาติที่เดินทางไปตามเส้นทางสายไหม",
        ),
        "id": (
            "Paviliun Pangan dan Pertanian",
            "Dari kopi dan durian hingga buah tropis dan rempah-rempah: cita rasa yang menempuh Jalur Sutra.",
        ),
        "ms": (
            "Pavilion Makanan dan Pertanian",
            "Daripada kopi dan durian hingga buah-buahan tropika dan rempah: rasa yang mengembara di Laluan Sutera.",
        ),
    },
    "materials-industry": {
        "vi": (
            "Khu trưng bày Vật liệu và Công nghiệp",
            "Giấy, thép và những mặt hàng cứng, mặt hàng mềm khác của thương mại khu vực.",
        ),
        "th": ("พาวิลเลียนวัสดุและอุตสาหกรรม", "กระดาษ เหล็กกล้า และสินค้าหลักอื่น ๆ ของการค้าในภูมิภาค"),
        "id": (
            "Paviliun Material dan Industri",
            "Kertas, baja, dan komoditas lain perdagangan regional, yang keras maupun yang lunak.",
        ),
        "ms": (
            "Pavilion Bahan dan Industri",
            "Kertas, keluli dan komoditi lain perdagangan serantau, yang keras mahupun yang lembut.",
        ),
    },
}

# A country pavilion is "<the word for a pavilion> <the country's CLDR name>" in each language.
COUNTRY_PAVILION_WORD = {"vi": "Khu trưng bày", "th": "พาวิลเลียน", "id": "Paviliun", "ms": "Pavilion"}


def pavilion_texts_others(slug: str) -> dict[str, dict[str, str]]:
    """The demo pavilion's texts in Vietnamese, Thai, Indonesian and Malay: {language: fields}."""
    from expo.i18n import country_name_in

    if slug in THEMED_PAVILIONS_OTHERS:
        return {
            language: {"name": name, "description": description}
            for language, (name, description) in THEMED_PAVILIONS_OTHERS[slug].items()
        }
    if not slug.startswith("country-"):
        return {}
    code = slug.removeprefix("country-").upper()
    return {
        language: {"name": f"{word}{'' if language == 'th' else ' '}{country_name_in(code, language)}"}
        for language, word in COUNTRY_PAVILION_WORD.items()
    }


FORUMS_ZH: dict[str, tuple[str, str]] = {
    "health-cooperation-forum": (
        "健康丝绸之路建设暨第三届中国—东盟卫生合作论坛",
        "“1+6”系列卫生论坛的主论坛：疫情防控的区域和国际合作机制。",
    ),
    "disease-prevention": ("中国—东盟疾病防控合作论坛", "疫情监测、防控策略与技术以及信息共享。"),
    "dentistry": ("中国—东盟口腔医学论坛", ""),
    "traditional-medicine": ("中国—东盟传统医药论坛", ""),
    "hospital-management": ("中国—东盟医院管理合作论坛", ""),
    "health-emergency": ("中国—东盟卫生应急合作论坛", ""),
    "food-safety": ("中国—东盟食品安全、营养与健康合作论坛", ""),
    "aids-training": (
        "澜湄跨境传染病联防联控：艾滋病项目培训班",
        "在广西中越边境地区举办，属于中国—东盟健康丝绸之路培训项目。",
    ),
    "medical-innovation": ("国际医疗创新合作论坛暨专题推介会", ""),
    "drug-cooperation": ("中国—东盟药品合作发展高峰论坛", ""),
    "traditional-medicine-tourism": ("国际传统医药与健康旅游论坛", ""),
}

SESSIONS_ZH: dict[str, str] = {
    "Opening plenary: building a Health Silk Road together": "开幕全体大会：共建健康丝绸之路",
    "Pandemic surveillance and information sharing across borders": "跨境疫情监测与信息共享",
    "Prevention and control technology: from nucleic acid testing to vaccines": "防控技术：从核酸检测到疫苗",
    "Dental care in the normalised prevention and control of COVID-19": "新冠疫情常态化防控下的口腔诊疗",
    "Traditional medicine in the prevention of infectious diseases": "传统医药在传染病防治中的作用",
    "Hospital management under pandemic pressure": "疫情压力下的医院管理",
    "Joint health emergency response and medical supply chains": "卫生应急联合响应与医疗物资供应链",
    "Food safety, nutrition and health: durian, coffee and the cold chain": "食品安全、营养与健康：榴莲、咖啡与冷链",
    "Cross-border joint prevention: AIDS programme, module 1": "跨境联防联控：艾滋病项目第一单元",
    "Cross-border joint prevention: AIDS programme, module 2": "跨境联防联控：艾滋病项目第二单元",
    "International medical innovation: special promotion conference": "国际医疗创新：专题推介会",
    "China-ASEAN drug cooperation development summit": "中国—东盟药品合作发展高峰会",
    "Traditional medicine and health tourism": "传统医药与健康旅游",
}

ROOMS_ZH = {
    "Hall A": "A 厅",
    "Hall B": "B 厅",
    "Room 201": "201 会议室",
    "Room 202": "202 会议室",
    "Room 203": "203 会议室",
    "Training room, Pingxiang": "凭祥培训室",
}

SPEAKERS_ZH: dict[str, tuple[str, str, str]] = {
    "Dr Li Ming": ("李明博士", "国际合作处处长", "广西壮族自治区卫生健康委员会"),
    "Dr Sari Wulandari": ("萨丽·乌兰达丽博士", "卫生安全高级顾问", "雅加达公共卫生研究院"),
    "Dr Nguyen Van An": ("阮文安博士", "流行病学主任", "河内疾病预防控制中心"),
    "Prof Tan Wei Ling": ("陈慧玲教授", "牙医学院院长", "新加坡牙科学院"),
    "Prof Zhou Hong": ("周红教授", "中医学教授", "广西中医药大学"),
    "Dr Somchai Rattanakorn": ("颂猜·拉达那功博士", "急诊医学主任", "曼谷综合医院"),
}


# --- putting them on the demo's records -----------------------------------------------------------------


def _specifications(text: str) -> list[list[str]]:
    return [[part.strip() for part in pair.split(":", 1)] for pair in text.split(";") if ":" in pair]


def _untranslated(record) -> bool:
    """Only records nobody translated yet get the demo's texts: loading the demo twice, or over a
    team's own translations, changes nothing."""
    return not record.translations and (record.source_language or "en") == "en"


def translate_demo(edition) -> None:
    """Give the demo edition's records their texts in Chinese, Vietnamese and Thai (idempotent), and
    write the companies of SOURCE_LANGUAGES in their own language."""
    from sqlalchemy import select

    from expo.booths.models import Booth
    from expo.catalog.models import Product
    from expo.exhibitors.models import ExhibitorCompany
    from expo.extensions import db
    from expo.forums.models import ProgrammeSession, Speaker
    from expo.lib.text import render_markdown
    from expo.translating.services import swap_source_language

    if _untranslated(edition):
        edition.set_translation("zh", EDITION_ZH)
        for language, texts in EDITION_OTHERS.items():
            edition.set_translation(language, texts)
    for pavilion in edition.pavilions:
        if pavilion.slug in PAVILIONS_ZH and _untranslated(pavilion):
            name, description = PAVILIONS_ZH[pavilion.slug]
            pavilion.set_translation("zh", {"name": name, "description": description})
            for language, texts in pavilion_texts_others(pavilion.slug).items():
                pavilion.set_translation(language, texts)
    forum_titles = {}
    for forum in edition.forums:
        if forum.slug in FORUMS_ZH:
            forum_titles[forum.id] = FORUMS_ZH[forum.slug][0]
            if _untranslated(forum):
                title, description = FORUMS_ZH[forum.slug]
                forum.set_translation("zh", {"title": title, "description": description})
    forum_ids = [forum.id for forum in edition.forums]
    for session in db.session.scalars(select(ProgrammeSession).where(ProgrammeSession.forum_id.in_(forum_ids))):
        if session.title in SESSIONS_ZH and _untranslated(session):
            title = SESSIONS_ZH[session.title]
            forum_title = forum_titles.get(session.forum_id, "")
            session.set_translation(
                "zh",
                {
                    "title": title,
                    "room": ROOMS_ZH.get(session.room, ""),
                    "abstract": f"{title}。{forum_title}的一场会议。" if forum_title else "",
                },
            )
    for speaker in db.session.scalars(select(Speaker).where(Speaker.edition_id == edition.id)):
        if speaker.name in SPEAKERS_ZH and _untranslated(speaker):
            name, title, organisation = SPEAKERS_ZH[speaker.name]
            speaker.set_translation(
                "zh",
                {
                    "name": name,
                    "title": title,
                    "organisation": organisation,
                    "biography": f"{name}，{organisation}{title}。",
                },
            )

    languages = ("zh", "vi", "th")
    for company in db.session.scalars(select(ExhibitorCompany)):
        english = company.name
        if english not in COMPANY_NAMES or not _untranslated(company):
            continue
        for language in languages:
            company.set_translation(
                language,
                {
                    "name": COMPANY_NAMES[english][language],
                    "sector": SECTORS.get(company.sector, {}).get(language, ""),
                    "description": COMPANY_DESCRIPTIONS.get(english, {}).get(language, ""),
                },
            )
        booth = db.session.scalar(select(Booth).where(Booth.company_id == company.id))
        if booth is not None and _untranslated(booth):
            for language in languages:
                description = BOOTH_DESCRIPTIONS.get(english, {}).get(language, "")
                booth.set_translation(
                    language,
                    {
                        "tagline": TAGLINES[english][language],
                        "description": description,
                        "description_html": render_markdown(description) if description else "",
                    },
                )
            for product in db.session.scalars(select(Product).where(Product.booth_id == booth.id)):
                if product.name not in PRODUCT_NAMES or not _untranslated(product):
                    continue
                for language, name in zip(languages, PRODUCT_NAMES[product.name]):
                    description, specifications = PRODUCT_TEXTS.get(product.name, {}).get(language, ("", ""))
                    product.set_translation(
                        language,
                        {
                            "name": name,
                            "description": description,
                            "description_html": render_markdown(description) if description else "",
                            "specifications": _specifications(specifications),
                        },
                    )
        source = SOURCE_LANGUAGES.get(english)
        if source is not None:
            records = [company]
            if booth is not None:
                records += [booth, *db.session.scalars(select(Product).where(Product.booth_id == booth.id))]
            for record in records:
                swap_source_language(record, source)
    db.session.flush()
